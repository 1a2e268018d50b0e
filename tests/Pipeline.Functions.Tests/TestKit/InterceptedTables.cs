using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>
/// A table store that passes every call to <paramref name="inner"/> through <see cref="ReadAsync{T}"/> or
/// <see cref="WriteAsync{T}"/>, so a test overrides only the step it intercepts (a fault, a record of what was written).
/// </summary>
internal class InterceptedTables(ITableStore inner) : ITableStore
{
    protected virtual Task<T> ReadAsync<T>(string table, Func<Task<T>> call) => call();

    protected virtual Task<T> WriteAsync<T>(string table, TableBatch? batch, Func<Task<T>> call) => call();

    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => WriteAsync(table, null, () => inner.InsertAsync(table, row, cancellationToken));

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => WriteAsync(table, null, () => inner.UpsertAsync(table, row, cancellationToken));

    public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) => WriteAsync(table, null, () => inner.MergeAsync(table, row, cancellationToken));

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default) => WriteAsync(table, null, () => inner.ReplaceAsync(table, row, ifMatch, cancellationToken));

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        WriteAsync(table, null, async () => { await inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken); return true; });

    public Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => ReadAsync(table, () => inner.GetAsync(table, partitionKey, rowKey, cancellationToken));

    public Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default) => WriteAsync(table, batch, () => inner.ExecuteBatchAsync(table, batch, cancellationToken));

    public Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => ReadAsync(table, () => inner.QueryAsync(table, query, cancellationToken));
}
