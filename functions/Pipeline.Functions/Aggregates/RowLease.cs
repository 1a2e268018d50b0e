using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// A lease in a row of the aggregates' table (<see cref="RecomputeRequests.Table"/>): a host that writes the row's
/// <c>LeaseUntil</c> into the future, on the condition of the ETag it read, holds the lease until then. Of several hosts
/// that try at once one wins; a holder that crashed holds it only until <c>LeaseUntil</c>.
/// </summary>
internal sealed class RowLease(WaveStore store, TimeProvider time)
{
    private const string Until = "LeaseUntil";

    /// <summary>
    /// Takes the lease for <paramref name="length"/>, keeping the row's other values; null when another host holds it, or
    /// when <paramref name="wanted"/> says the row (null: none yet) needs no work.
    /// </summary>
    public async Task<Held?> TryTakeAsync(string partition, string row, TimeSpan length, CancellationToken cancellationToken, Func<TableRow?, bool>? wanted = null)
    {
        var now = time.GetUtcNow();
        var current = await store.Tables.TryGetAsync(RecomputeRequests.Table, partition, row, cancellationToken);
        if (current?.Get<DateTimeOffset>(Until) > now || wanted?.Invoke(current) == false)
        {
            return null;
        }

        var claim = new TableRow(partition, row, new Dictionary<string, object>(current?.Properties ?? new Dictionary<string, object>()) { [Until] = now + length });
        try
        {
            var etag = current is null
                ? await store.Tables.InsertAsync(RecomputeRequests.Table, claim, cancellationToken)
                : await store.Tables.ReplaceAsync(RecomputeRequests.Table, claim, current.ETag!, cancellationToken);
            return new Held(partition, row, etag, current);
        }
        catch (Exception e) when (e is ConflictException or PreconditionFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ends the lease, writing <paramref name="values"/> (or the row's values as they were); a lease that ran out and was
    /// taken by another host meanwhile is left to that host.
    /// </summary>
    public async Task ReleaseAsync(Held held, IReadOnlyDictionary<string, object>? values, CancellationToken cancellationToken)
    {
        var row = new TableRow(held.Partition, held.Row, new Dictionary<string, object>(values ?? held.Previous?.Properties ?? new Dictionary<string, object>()) { [Until] = time.GetUtcNow() });
        try
        {
            await store.Tables.ReplaceAsync(RecomputeRequests.Table, row, held.ETag, cancellationToken);
        }
        catch (Exception e) when (e is PreconditionFailedException or NotFoundException)
        {
            // Ran out and taken over: the other host's now.
        }
    }

    /// <summary>A lease held: the row and the ETag of the claim, and the row as it was before it.</summary>
    internal sealed record Held(string Partition, string Row, string ETag, TableRow? Previous);
}
