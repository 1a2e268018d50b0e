using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Responses;

/// <summary>
/// The outbox of the aggregates' recompute, owned by those that change a wave's responses (the release, the close): a
/// row per wave in <see cref="Table"/> (written again by every request, so a recompute that read the wave before it
/// cannot delete it), then a wake-up message on <see cref="Queue"/>. The aggregates take the rows
/// (<c>AggregateService.ProcessRequestsAsync</c>); the row, not the message, is the request.
/// </summary>
internal sealed class RecomputeRequests(WaveStore store, IQueueStore queues, TimeProvider time)
{
    public const string Table = "AggregateRequests";

    /// <summary>The queue of wake-up messages of the recompute function.</summary>
    public const string Queue = "aggregate-requests";

    /// <summary>The requests' partition of <see cref="Table"/>; the leases of the recompute and the nightly refresh have their own.</summary>
    public const string Partition = "wave";

    /// <summary>Asks for a recompute of the wave (idempotent; requests coalesce), and wakes the recompute function.</summary>
    public async Task AddAsync(string waveId, CancellationToken cancellationToken)
    {
        await store.Tables.UpsertAsync(Table, new TableRow(Partition, waveId, new Dictionary<string, object> { ["RequestedAt"] = time.GetUtcNow() }), cancellationToken);
        await queues.AddAsync(Queue, waveId, TimeSpan.Zero, cancellationToken);
    }
}
