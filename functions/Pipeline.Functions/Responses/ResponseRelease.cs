using System.Text.Json;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Responses;

/// <summary>
/// Moves pending responses from the token rows into the response store, all at once, on the release interval.
/// <list type="number">
/// <item>each person's invitation row learns "responded" (for the reminder), in a random order;</item>
/// <item>each wave with new responses gets a recompute request for its aggregates;</item>
/// <item>each response is written, create-only, as <c>responses/{wave}/{zone}/{random}.json</c>, in another random order;</item>
/// <item>each of those waves gets its request again, newer than every blob written;</item>
/// <item>each token row drops its sealed response, in a third random order.</item>
/// </list>
/// A crash anywhere leaves pending rows that the next run finishes: marking is idempotent and a response blob that
/// exists already is not written twice. Since responses reach the store only here, their write times say which
/// release interval they were submitted in, and nothing finer; the three random orders keep the write times of
/// one release from pairing a token row with its response.
/// </summary>
internal sealed class ResponseRelease(WaveStore store, ResponseStore responses, InvitationStore invitations, RecomputeRequests recomputes, ILogger<ResponseRelease> logger)
{
    public const string Container = "responses";

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 8 };

    public static string BlobName(ResponseRecord response, string randomName) => $"{response.Wave}/{response.Zone}/{randomName}.json";

    /// <summary>Releases every waiting submission; returns how many.</summary>
    public async Task<int> ReleaseAsync(CancellationToken cancellationToken)
    {
        var pending = await MarkRespondedAsync(cancellationToken);
        if (pending.Length == 0)
        {
            return 0;
        }

        // Asked before the blobs are written, so that a crash right after a write still leaves the request, and again
        // after the last write, so that a recompute that took the first request while blobs were still being written
        // cannot have consumed it for good.
        var waves = pending.Select(p => p.Item.Response.Wave).Distinct(StringComparer.Ordinal).ToList();
        await RequestRecomputesAsync(waves, cancellationToken);
        await Parallel.ForEachAsync(Shuffled(pending), Parallelism, async (p, ct) =>
        {
            try
            {
                await store.Blobs.PutAsync(Container, BlobName(p.Item.Response, p.Item.BlobName), JsonSerializer.SerializeToUtf8Bytes(p.Item.Response, AppJson.Web), BlobCondition.IfNotExists, ct);
            }
            catch (ConflictException)
            {
                // Written by an earlier run that stopped before it cleared the token row.
            }
        });
        await RequestRecomputesAsync(waves, cancellationToken);
        await Parallel.ForEachAsync(Shuffled(pending), Parallelism, async (p, ct) =>
        {
            try
            {
                await store.Tables.ReplaceAsync(WaveStore.TokensTable, ResponseStore.Released(p.Row), p.Row.ETag!, ct);
            }
            catch (Exception e) when (e is PreconditionFailedException or NotFoundException)
            {
                // Another host's release took it, or the wave's tokens were purged.
            }
        });

        Log.Released(logger, pending.Length);
        return pending.Length;
    }

    /// <summary>
    /// Step 1 alone: the invitation rows of every waiting submission learn "responded". The reminder plan runs it
    /// first, so that no one who answered before the reminder gets one, whenever the next release comes.
    /// </summary>
    public async Task<(TableRow Row, PendingResponse Item)[]> MarkRespondedAsync(CancellationToken cancellationToken)
    {
        var rows = new List<TableRow>();
        await foreach (var row in store.Tables.QueryAllAsync(WaveStore.TokensTable, TableQuery.All.Where(ResponseStore.PendingColumn, TableComparison.Equal, true), cancellationToken))
        {
            rows.Add(row);
        }

        // Row by row: a value that does not open (truncated, moved from another row, or sealed under a key this host
        // lacks) is left as it is and reported, and holds up no other response. It is not changed: a host with the
        // wrong key must not take other hosts' responses out of the release.
        var pending = new List<(TableRow Row, PendingResponse Item)>();
        foreach (var row in rows)
        {
            if (responses.TryOpenPending(row) is { } item)
            {
                pending.Add((row, item));
            }
            else
            {
                Log.WaitingResponseUnopened(logger, row.GetString("Wave") ?? "?");
            }
        }

        // Once a wave's reminder list is fixed, nobody's row learns "responded": the response store counts per area.
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var wave in pending.Select(p => p.Item.Response.Wave).Distinct(StringComparer.Ordinal))
        {
            if (await store.GetAsync(wave, cancellationToken) is { RespondedFlagsDropped: false })
            {
                flagged.Add(wave);
            }
        }

        await Parallel.ForEachAsync(Shuffled([.. pending]).Where(p => flagged.Contains(p.Item.Response.Wave)), Parallelism, (p, ct) => new ValueTask(
            invitations.MarkAsync(new TokenEntry(p.Item.Response.Wave, p.Item.SamplePartition, p.Item.SampleRow), InvitationRows.Responded, ct)));
        return [.. pending];
    }

    private async Task RequestRecomputesAsync(IEnumerable<string> waves, CancellationToken cancellationToken)
    {
        foreach (var wave in waves)
        {
            await recomputes.AddAsync(wave, cancellationToken);
        }
    }

    private static T[] Shuffled<T>(T[] items)
    {
        var copy = items.ToArray();
        Random.Shared.Shuffle(copy);
        return copy;
    }
}
