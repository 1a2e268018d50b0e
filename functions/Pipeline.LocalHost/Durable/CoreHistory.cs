using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// An instance's history as DurableTask.Core's events, from the JSON the Azure Storage backend hands out
/// (<c>GetOrchestrationHistoryAsync</c>: Newtonsoft over the events' data contracts, without type names). Each event's
/// <c>EventType</c> names its class (<c>TaskScheduled</c>: <c>TaskScheduledEvent</c>).
/// </summary>
internal static class CoreHistory
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(new JsonSerializerSettings { ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor });

    public static List<HistoryEvent> Parse(string json) =>
        [.. JArray.Parse(json).Select(e => (HistoryEvent)e.ToObject(ClassOf((EventType)(int)e["EventType"]!), Serializer)!)];

    private static Type ClassOf(EventType type) =>
        typeof(HistoryEvent).Assembly.GetType($"DurableTask.Core.History.{type}Event")
        ?? throw new InvalidOperationException($"No DurableTask.Core history class for {type}.");
}
