using Microsoft.DurableTask;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// Removes every trace of single people once a wave is closed: first the per-area counters (invited, reminded, opted
/// out) are written to table <c>AreaCounts</c>; then every sample row goes, of the current sample and of every upload
/// ever staged for the wave (refused, broken or replaced ones included); then the wave's token rows (so its tokens
/// become unknown, and no hash of them is left to test guesses against), the letters and manifests, and the reminder
/// plans. The anonymous responses and the per-area counters stay. Idempotent.
/// </summary>
internal sealed class PurgePersonalDataActivity(WaveStore store, WaveCounts counts, SampleImport uploads, ResponseRelease responses) : TaskActivity<string, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, string input)
    {
        var ct = CancellationToken.None;
        var wave = await store.GetAsync(input, ct) ?? throw new InvalidOperationException($"Wave '{input}' does not exist.");
        await counts.FixCountsAsync(wave, ct);
        var purged = 0;
        foreach (var sample in wave.StagedSamples.Append(wave.SampleId).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            purged += await uploads.DiscardAsync(wave.Definition, sample, ct);
        }

        // A submission another host accepted just before the close is released first: a 201 is never lost. A token row
        // that changes after this (a late submission) fails its delete batch by ETag, and the retry releases it.
        await responses.ReleaseAsync(ct);
        var tokenRows = await store.Tables.QueryAllAsync(WaveStore.TokensTable, TableQuery.All.Where("Wave", TableComparison.Equal, input), ct).ToListAsync(ct);
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

        foreach (var container in new[] { WaveStore.LettersContainer, WaveStore.PlansContainer, Imports.Container })
        {
            await foreach (var blob in store.Blobs.ListAllAsync(container, input + "/", ct))
            {
                await store.Blobs.DeleteAsync(container, blob.Name, cancellationToken: ct);
            }
        }

        await WaveLifecycle.UpdateAsync(store, input, w => w with { Purged = true }, ct);
        return purged;
    }
}
