namespace Pipeline.Storage;

/// <summary>An atomic set of operations on one partition of one table.</summary>
public sealed class TableBatch
{
    /// <summary>Azure's limit: 100 operations (and 4 MB) a batch.</summary>
    public const int MaxOperations = 100;

    private readonly List<TableOperation> _operations = [];

    public IReadOnlyList<TableOperation> Operations => _operations;

    public TableBatch Insert(TableRow row) => Add(new TableOperation(TableOperationKind.Insert, row, null));

    public TableBatch Upsert(TableRow row) => Add(new TableOperation(TableOperationKind.Upsert, row, null));

    public TableBatch Merge(TableRow row) => Add(new TableOperation(TableOperationKind.Merge, row, null));

    public TableBatch Replace(TableRow row, string ifMatch) => Add(new TableOperation(TableOperationKind.Replace, row, ifMatch));

    public TableBatch Delete(string partitionKey, string rowKey, string? ifMatch = null) =>
        Add(new TableOperation(TableOperationKind.Delete, new TableRow(partitionKey, rowKey, new Dictionary<string, object>()), ifMatch ?? "*"));

    private TableBatch Add(TableOperation operation)
    {
        _operations.Add(operation);
        return this;
    }

    /// <summary>Refuses, before anything is sent, a batch that Azure would refuse.</summary>
    internal void Validate()
    {
        if (_operations.Count == 0)
        {
            throw new ArgumentException("A table batch needs at least one operation.");
        }

        if (_operations.Count > MaxOperations)
        {
            throw new ArgumentException($"A table batch holds at most {MaxOperations} operations; this one has {_operations.Count}.");
        }

        var partition = _operations[0].Row.PartitionKey;
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in _operations)
        {
            if (!string.Equals(operation.Row.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException("A table batch covers one partition; it names two.");
            }

            if (!keys.Add(operation.Row.RowKey))
            {
                throw new ArgumentException("A table batch touches each entity once; one row appears twice.");
            }

            if (operation.Kind != TableOperationKind.Delete)
            {
                TableRules.ValidateRow(operation.Row);
            }
        }
    }
}

public sealed record TableOperation(TableOperationKind Kind, TableRow Row, string? IfMatch);

public enum TableOperationKind
{
    Insert,
    Upsert,
    Merge,
    Replace,
    Delete,
}
