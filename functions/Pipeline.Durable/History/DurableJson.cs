using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Durable;

/// <summary>The engine's one JSON dialect, for payloads and history.</summary>
internal static class DurableJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public static object? Deserialize(string? json, Type type) =>
        json is null ? (type.IsValueType && Nullable.GetUnderlyingType(type) is null ? Activator.CreateInstance(type) : null) : JsonSerializer.Deserialize(json, type, Options);

    public static T Deserialize<T>(string? json) => (T)Deserialize(json, typeof(T))!;
}
