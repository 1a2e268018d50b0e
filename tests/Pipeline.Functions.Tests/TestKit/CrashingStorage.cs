using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>The process "dies" here: nothing after this point of the operation runs.</summary>
internal sealed class SimulatedCrash(int step) : Exception($"Simulated crash at storage write {step}.");

/// <summary>
/// Table and blob stores that count every write (insert, upsert, merge, replace, delete, batch, blob put and
/// delete) and crash just before, or just after, write number <see cref="CrashAt"/>, or let another actor run just
/// before write number <see cref="InterleaveAt"/>. Reads pass through.
/// </summary>
internal sealed class CrashingStorage
{
    private int _writes;

    public CrashingStorage(ITableStore tables, IBlobStore blobs)
    {
        Tables = new CrashingTables(tables, this);
        Blobs = new CrashingBlobs(blobs, this);
    }

    /// <summary>1-based; 0 = never.</summary>
    public int CrashAt { get; set; }

    /// <summary>Crash after the write has reached storage (its answer is lost), rather than before it.</summary>
    public bool After { get; set; }

    public int Writes => _writes;

    /// <summary>1-based; 0 = never: just before write number <see cref="InterleaveAt"/>, <see cref="Interleave"/> runs to its end.</summary>
    public int InterleaveAt { get; set; }

    /// <summary>Another actor's work (a trigger, a second host), run at <see cref="InterleaveAt"/>.</summary>
    public Func<Task>? Interleave { get; set; }

    /// <summary>Every write in the order it started: "table key" or "container name".</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Log { get; } = new();

    public ITableStore Tables { get; }

    public IBlobStore Blobs { get; }

    private async Task<T> WriteAsync<T>(string what, Func<Task<T>> write)
    {
        Log.Enqueue(what);
        var step = Interlocked.Increment(ref _writes);
        if (step == InterleaveAt && Interleave is { } interleave)
        {
            await interleave();
        }

        if (step == CrashAt && !After)
        {
            throw new SimulatedCrash(step);
        }

        var result = await write();
        if (step == CrashAt)
        {
            throw new SimulatedCrash(step);
        }

        return result;
    }

    private sealed class CrashingTables(ITableStore inner, CrashingStorage plan) : ITableStore
    {
        public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => plan.WriteAsync($"{table} {row.RowKey}", () => inner.InsertAsync(table, row, cancellationToken));

        public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => plan.WriteAsync($"{table} {row.RowKey}", () => inner.UpsertAsync(table, row, cancellationToken));

        public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) => plan.WriteAsync($"{table} {row.RowKey}", () => inner.MergeAsync(table, row, cancellationToken));

        public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default) => plan.WriteAsync($"{table} {row.RowKey}", () => inner.ReplaceAsync(table, row, ifMatch, cancellationToken));

        public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) =>
            plan.WriteAsync($"{table} {rowKey}", async () => { await inner.DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken); return 0; });

        public Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) => inner.GetAsync(table, partitionKey, rowKey, cancellationToken);

        public Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default) => plan.WriteAsync($"{table} batch", () => inner.ExecuteBatchAsync(table, batch, cancellationToken));

        public Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => inner.QueryAsync(table, query, cancellationToken);
    }

    private sealed class CrashingBlobs(IBlobStore inner, CrashingStorage plan) : IBlobStore
    {
        public Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default) => plan.WriteAsync($"{container} {name}", () => inner.PutAsync(container, name, content, condition, cancellationToken));

        public Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetAsync(container, name, cancellationToken);

        public Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, pageSize, continuation, cancellationToken);

        public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default) => plan.WriteAsync($"{container} {name}", () => inner.DeleteAsync(container, name, ifMatch, cancellationToken));
    }
}
