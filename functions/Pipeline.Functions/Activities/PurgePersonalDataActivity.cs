using Pipeline.Durable;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Activities;

/// <summary>
/// Removes a closed wave's names and addresses: the personal columns of every sample row, the letters and
/// manifests (which print them), and the wave's token rows (so its tokens become unknown, and no hash of them is
/// left to test guesses against). Zone-level counts and the anonymous responses stay. Idempotent.
/// </summary>
internal sealed class PurgePersonalDataActivity(WaveStore store) : TaskActivity<string, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, string input)
    {
        var ct = context.CancellationToken;
        var wave = await store.GetAsync(input, ct) ?? throw new InvalidOperationException($"Wave '{input}' does not exist.");
        var purged = 0;
        foreach (var group in WaveStore.Groups(wave))
        {
            var rows = await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition), ct).ToListAsync(ct);
            foreach (var chunk in rows.Where(r => InvitationRows.Personal.Any(r.Properties.ContainsKey)).Chunk(TableBatch.MaxOperations))
            {
                var batch = new TableBatch();
                foreach (var row in chunk)
                {
                    var kept = row.Properties.Where(p => !InvitationRows.Personal.Contains(p.Key)).ToDictionary();
                    batch.Replace(row with { Properties = kept }, row.ETag!);
                }

                await store.Tables.ExecuteBatchAsync(WaveStore.SampleTable(group.Partition), batch, ct);
                purged += chunk.Length;
            }
        }

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

        foreach (var container in new[] { WaveStore.LettersContainer, WaveStore.PlansContainer })
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
