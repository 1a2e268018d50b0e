using Pipeline.Storage;

namespace Pipeline.Benchmarks;

/// <summary>Counts the table requests the engine makes, to set them against Azurite's ceilings.</summary>
internal sealed class CountingTableStore(ITableStore inner) : ITableStore
{
    private long _requests;
    private long _entities;

    public long Requests => Interlocked.Read(ref _requests);

    public long Entities => Interlocked.Read(ref _entities);

    /// <summary>Requests per table and operation.</summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, int> ByKind { get; } = new();

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(table, "insert", 1, inner.InsertAsync(table, row, cancellationToken));

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(table, "upsert", 1, inner.UpsertAsync(table, row, cancellationToken));

    public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) => Count(table, "merge", 1, inner.MergeAsync(table, row, cancellationToken));

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default) => Count(table, "replace", 1, inner.ReplaceAsync(table, row, ifMatch, cancellationToken));

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) => Count(table, "delete", 1, inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken));

    public Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => Count(table, "get", 1, inner.GetAsync(table, partitionKey, rowKey, cancellationToken));

    public Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default) =>
        Count(table, "batch", batch.Operations.Count, inner.ExecuteBatchAsync(table, batch, cancellationToken));

    public async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        var page = await Count(table, "query", 0, inner.QueryAsync(table, query, cancellationToken));
        Interlocked.Add(ref _entities, page.Rows.Count);
        return page;
    }

    public string Breakdown() => string.Join(", ", ByKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key} {k.Value}"));

    private T Count<T>(string table, string kind, int entities, T task)
    {
        ByKind.AddOrUpdate(table[(table.IndexOfAny("IRTP".ToCharArray(), 1) is var i and > 0 ? i : 0)..] + " " + kind, 1, (_, n) => n + 1);
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _entities, entities);
        return task;
    }
}
