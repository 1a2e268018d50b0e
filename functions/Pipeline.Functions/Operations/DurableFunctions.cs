using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Operations;

/// <summary>The operators' view of the task hub, <c>/api/durable</c>, and the health probe.</summary>
internal static class DurableFunctions
{
    [Function("ListInstances")]
    public static IResult List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/durable/instances")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.ListAsync, Guard.Operator);

    [Function("GetInstance")]
    public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/durable/instances/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.GetAsync, Guard.Operator);

    [Function("GetInstanceHistory")]
    public static IResult History([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/durable/instances/{id}/history")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.HistoryAsync, Guard.Operator);

    [Function("RaiseInstanceEvent")]
    public static IResult Raise([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/durable/instances/{id}/events/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.RaiseAsync, Guard.Audited("durable event raised"), Guard.Operator, DurableApi.NotAWaveFilter);

    [Function("TerminateInstance")]
    public static IResult Terminate([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/durable/instances/{id}/terminate")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.TerminateAsync, Guard.Audited("durable instance terminated"), Guard.Operator, DurableApi.NotAWaveFilter);

    [Function("PurgeInstance")]
    public static IResult Purge([HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "api/durable/instances/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.PurgeAsync, Guard.Audited("durable instance purged"), Guard.Operator, DurableApi.NotAWaveFilter);

    [Function("PurgeInstances")]
    public static IResult PurgeMany([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/durable/purge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, DurableApi.PurgeManyAsync, Guard.Audited("durable instances purged"), Guard.Operator);

    [Function("Health")]
    public static IResult Health([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request) =>
        HttpFunction.Run(HealthApi.GetAsync);
}
