using Pipeline.Functions.Responses;
using Pipeline.Functions.Security;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// The end of a wave: its close and the purge of its personal data. The run's activities call it, and so do the
/// operators' close-now and purge-now for a run that stopped: one code path for both.
/// </summary>
internal sealed class WaveEnding(WaveStore store, ResponseRelease responses, RecomputeRequests recomputes, WaveCounts counts, SampleImport uploads, PaperKeying keyings, AuditTrail audit, TimeProvider time)
{
    /// <summary>Who closes and purges in the audit trail: the app (an operator's close-now or purge-now is recorded with its caller as well).</summary>
    public const string Who = "the app";

    /// <summary>Closes a wave (its tokens stop working) and counts what it achieved per zone. Idempotent.</summary>
    public async Task<WaveSummary> CloseAsync(string waveId, bool cancelled, CancellationToken ct)
    {
        var wave = await WaveLifecycle.UpdateAsync(store, waveId, w => w.Phase is WavePhase.Closed or WavePhase.Cancelled
            ? w
            : w with { Phase = cancelled ? WavePhase.Cancelled : WavePhase.Closed, ClosedAt = time.GetUtcNow() }, ct);
        // The final release and refresh: every response submitted before the close is in the response store and the aggregates.
        await responses.ReleaseAsync(ct);
        await recomputes.AddAsync(waveId, ct);
        await counts.DropRespondedFlagsAsync(waveId, ct);
        var (zones, _) = await counts.ByZoneAsync(wave, ct);
        var summary = new WaveSummary(cancelled, zones.Sum(z => z.Invited), zones.Sum(z => z.Reminded), zones.Sum(z => z.Responded), zones);
        await audit.RecordAsync(Who, cancelled ? "wave cancelled" : "wave closed", waveId, "done",
            $"invited {summary.Invited}, reminded {summary.Reminded}, responded {summary.Responded}", ct);
        return summary;
    }

    /// <summary>
    /// Removes every trace of single people once a wave is closed: first the per-area counters (invited, reminded, opted
    /// out) are written to table <c>AreaCounts</c>; then every sample row goes, of the current sample and of every upload
    /// ever staged for the wave (refused, broken or replaced ones included); then the wave's token rows (so its tokens
    /// become unknown, and no hash of them is left to test guesses against), the paper keyings still waiting, the letters and manifests, and the reminder
    /// plans. The anonymous responses and the per-area counters stay. Idempotent.
    /// </summary>
    /// <returns>The number of people's rows deleted.</returns>
    public async Task<int> PurgeAsync(string waveId, CancellationToken ct)
    {
        var wave = await store.GetAsync(waveId, ct) ?? throw new InvalidOperationException($"Wave '{waveId}' does not exist.");
        await counts.FixCountsAsync(wave, ct);
        var purged = 0;
        foreach (var sample in wave.StagedSamples.Append(wave.SampleId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            purged += await uploads.DiscardAsync(wave.Definition, sample, ct);
        }

        // A submission another host accepted just before the close is released first: a 201 is never lost. A token row
        // that changes after this (a late submission) fails its delete batch by ETag, and the retry releases it.
        await responses.ReleaseAsync(ct);
        var tokenRows = await store.Tables.QueryAllAsync(WaveStore.TokensTable, TableQuery.All.Where("Wave", TableComparison.Equal, waveId), ct).ToListAsync(ct);
        foreach (var partition in tokenRows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(TableBatch.MaxOperations))
            {
                var batch = new TableBatch();
                foreach (var row in chunk)
                {
                    batch.Delete(row.PartitionKey, row.RowKey, row.ETag);
                }

                await store.Tables.ExecuteBatchAsync(WaveStore.TokensTable, batch, ct);
            }
        }

        var tallies = await counts.DeleteTalliesAsync(waveId, ct);
        var waiting = await keyings.DeleteWaveAsync(waveId, ct);
        var files = 0;
        foreach (var container in new[] { WaveStore.LettersContainer, WaveStore.PlansContainer, Imports.Container })
        {
            await foreach (var blob in store.Blobs.ListAllAsync(container, waveId + "/", ct))
            {
                await store.Blobs.DeleteAsync(container, blob.Name, cancellationToken: ct);
                files++;
            }
        }

        await WaveLifecycle.UpdateAsync(store, waveId, w => w with { Purged = true }, ct);

        // The receipt a privacy officer can be shown: what went, what stays (a retry after a crash adds one for what it deleted).
        var areas = await store.Tables.QueryAllAsync(WaveCounts.AreaCountsTable, TableQuery.InPartition(waveId), ct).CountAsync(ct);
        await audit.RecordAsync(Who, "purge receipt", waveId, "done",
            $"deleted: {purged} people's rows, {tokenRows.Count} token rows, {tallies} tallies, {waiting} waiting paper keyings, {files} letter, manifest, plan and upload files; kept: counters of {areas} areas and the anonymous responses", ct);
        return purged;
    }
}
