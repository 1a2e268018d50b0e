using System.Text.RegularExpressions;

namespace Pipeline.Storage;

/// <summary>The rules both table stores enforce, so that the twin refuses what Azure refuses.</summary>
internal static partial class TableRules
{
    public const string PartitionKey = "PartitionKey";
    public const string RowKey = "RowKey";

    public static void ValidateTableName(string table)
    {
        if (!TableName().IsMatch(table))
        {
            throw new ArgumentException($"Table name '{table}' must be 3-63 letters and digits, starting with a letter.", nameof(table));
        }
    }

    public static void ValidateKey(string key, string what)
    {
        ArgumentNullException.ThrowIfNull(key, what);
        if (key.Length > 1024 || key.AsSpan().IndexOfAny("/\\#?") >= 0 || key.Any(char.IsControl))
        {
            throw new ArgumentException($"{what} '{key}' may not hold / \\ # ? or control characters, nor exceed 1024 characters.", what);
        }
    }

    public static void ValidateRow(TableRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        ValidateKey(row.PartitionKey, PartitionKey);
        ValidateKey(row.RowKey, RowKey);

        // Azurite answers 500 to a batch Replace of a keys-only entity, so no entity may be keys-only.
        if (row.Properties.Count == 0)
        {
            throw new ArgumentException($"An entity needs at least one property besides its keys.");
        }

        if (row.Properties.Count > 252)
        {
            throw new ArgumentException($"An entity has {row.Properties.Count} properties; the limit is 252.");
        }

        foreach (var (name, value) in row.Properties)
        {
            if (name is PartitionKey or RowKey or "Timestamp" or "ETag" || !PropertyName().IsMatch(name))
            {
                throw new ArgumentException($"Property name '{name}' is reserved or not a C# identifier.");
            }

            ValidateValue(name, value);
        }
    }

    public static void ValidateValue(string name, object? value)
    {
        switch (value)
        {
            case string s when s.Length > 32 * 1024:
                throw new ArgumentException($"Property '{name}' holds {s.Length} characters; the limit is 32,768.");
            case byte[] b when b.Length > 64 * 1024:
                throw new ArgumentException($"Property '{name}' holds {b.Length} bytes; the limit is 65,536.");
            case string or bool or int or long or double or DateTimeOffset or Guid or byte[]:
                return;
            default:
                throw new ArgumentException($"Property '{name}' has unsupported type {value?.GetType().Name ?? "null"}.");
        }
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{2,62}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,254}$")]
    private static partial Regex PropertyName();
}
