using System.Globalization;

namespace Pipeline.Storage;

/// <summary>
/// An entity. <see cref="ETag"/> and <see cref="Timestamp"/> are set on rows read from a store and ignored on writes.
/// </summary>
public sealed record TableRow(string PartitionKey, string RowKey, IReadOnlyDictionary<string, object> Properties)
{
    public string? ETag { get; init; }

    public DateTimeOffset? Timestamp { get; init; }

    public T? Get<T>(string name)
    {
        if (!Properties.TryGetValue(name, out var value))
        {
            return default;
        }

        return value is T typed ? typed : (T)Convert.ChangeType(value, typeof(T), CultureInfo.InvariantCulture);
    }

    public string? GetString(string name) => Properties.TryGetValue(name, out var value) ? value as string : null;
}
