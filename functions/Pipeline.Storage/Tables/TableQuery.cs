namespace Pipeline.Storage;

/// <summary>
/// A conjunction of conditions on properties (including <c>PartitionKey</c> and <c>RowKey</c>), paged.
/// A condition matches only a property of the same type as its value; a missing property never matches.
/// </summary>
public sealed record TableQuery
{
    public IReadOnlyList<TableCondition> Conditions { get; init; } = [];

    /// <summary>Most rows a page returns. Default 1000, Azure's maximum.</summary>
    public int PageSize { get; init; } = 1000;

    public string? Continuation { get; init; }

    public static TableQuery All { get; } = new();

    public static TableQuery InPartition(string partitionKey) => All.Where(TableRules.PartitionKey, TableComparison.Equal, partitionKey);

    public TableQuery Where(string property, TableComparison comparison, object value)
    {
        TableRules.ValidateValue(property, value);
        return this with { Conditions = [.. Conditions, new TableCondition(property, comparison, value)] };
    }
}

public sealed record TableCondition(string Property, TableComparison Comparison, object Value);

public enum TableComparison
{
    Equal,
    NotEqual,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
}
