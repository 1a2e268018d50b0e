namespace Pipeline.Storage;

/// <summary>
/// The single-entity writes of both table stores, as one-operation batches: one path, so that a lone write
/// and a batch are validated and answered alike.
/// </summary>
internal abstract class TableStoreBase : ITableStore
{
    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) =>
        SingleAsync(table, new TableBatch().Insert(row), cancellationToken);

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) =>
        SingleAsync(table, new TableBatch().Upsert(row), cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) =>
        SingleAsync(table, new TableBatch().Merge(row), cancellationToken);

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(ifMatch);
        return SingleAsync(table, new TableBatch().Replace(row, ifMatch), cancellationToken);
    }

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        SingleAsync(table, new TableBatch().Delete(partitionKey, rowKey, ifMatch), cancellationToken);

    public abstract Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    public abstract Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default);

    public abstract Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default);

    private async Task<string> SingleAsync(string table, TableBatch batch, CancellationToken cancellationToken)
    {
        var etags = await ExecuteBatchAsync(table, batch, cancellationToken);
        return etags[0] ?? string.Empty;
    }
}
