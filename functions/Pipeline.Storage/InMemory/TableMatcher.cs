namespace Pipeline.Storage.InMemory;

/// <summary>Evaluates a <see cref="TableCondition"/> the way Azure's OData filter does.</summary>
internal static class TableMatcher
{
    public static bool Matches(TableRow row, TableCondition condition)
    {
        object? actual = condition.Property switch
        {
            TableRules.PartitionKey => row.PartitionKey,
            TableRules.RowKey => row.RowKey,
            _ => row.Properties.GetValueOrDefault(condition.Property),
        };
        if (actual is null || actual.GetType() != condition.Value.GetType())
        {
            return false;
        }

        var order = actual switch
        {
            string s => string.CompareOrdinal(s, (string)condition.Value),
            byte[] b => b.AsSpan().SequenceCompareTo((byte[])condition.Value),
            DateTimeOffset d => d.UtcDateTime.CompareTo(((DateTimeOffset)condition.Value).UtcDateTime),
            IComparable c => c.CompareTo(condition.Value),
            _ => throw new InvalidOperationException($"Cannot compare {actual.GetType().Name}."),
        };
        return condition.Comparison switch
        {
            TableComparison.Equal => order == 0,
            TableComparison.NotEqual => order != 0,
            TableComparison.GreaterThan => order > 0,
            TableComparison.GreaterThanOrEqual => order >= 0,
            TableComparison.LessThan => order < 0,
            TableComparison.LessThanOrEqual => order <= 0,
            _ => throw new ArgumentOutOfRangeException(nameof(condition), condition.Comparison, null),
        };
    }
}
