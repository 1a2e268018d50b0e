using Pipeline.Storage;

namespace Pipeline.Benchmarks;

/// <summary>Counts the table requests the engine makes, to set them against Azurite's ceilings.</summary>
internal sealed class CountingTableStore(ITableStore inner) : ITableStore
{
    private long _requests;
    private long _entities;

    public long Requests => Interlocked.Read(ref _requests);

    public long Entities => Interlocked.Read(ref _entities);

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(1, inner.InsertAsync(table, row, cancellationToken));

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(1, inner.UpsertAsync(table, row, cancellationToken));

    public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(1, inner.MergeAsync(table, row, cancellationToken));

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default) => Count(1, inner.ReplaceAsync(table, row, ifMatch, cancellationToken));

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) => Count(1, inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken));

    public Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => Count(1, inner.GetAsync(table, partitionKey, rowKey, cancellationToken));

    public Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default) =>
        Count(batch.Operations.Count, inner.ExecuteBatchAsync(table, batch, cancellationToken));

    public async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        var page = await Count(0, inner.QueryAsync(table, query, cancellationToken));
        Interlocked.Add(ref _entities, page.Rows.Count);
        return page;
    }

    private T Count<T>(int entities, T task)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _entities, entities);
        return task;
    }
}
