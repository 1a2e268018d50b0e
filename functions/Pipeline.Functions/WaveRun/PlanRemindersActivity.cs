using System.Text.Json;
using Microsoft.DurableTask;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Letters;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// Fixes who gets a reminder: per zone and language, everyone not responded and not opted out at this moment,
/// cut into batches. Submissions still waiting for their release count as responded. The plan is written create-only, so a re-run after a crash reads the first plan back and
/// issues exactly the same letters. Once the plan is written, the rows' "responded" flags are dropped.
/// </summary>
internal sealed class PlanRemindersActivity(WaveStore store, ResponseRelease responses, WaveCounts counts) : TaskActivity<string, List<LetterJob>>
{
    public override async Task<List<LetterJob>> RunAsync(TaskActivityContext context, string input)
    {
        var ct = CancellationToken.None;
        var wave = await store.GetAsync(input, ct) ?? throw new InvalidOperationException($"Wave '{input}' does not exist.");
        await responses.MarkRespondedAsync(ct);
        var jobs = new List<LetterJob>();
        foreach (var group in WaveStore.Groups(wave))
        {
            var name = PlanBlob(input, group.Zone, group.Language);
            int[][] plan;
            try
            {
                plan = await ReadPlanAsync(store, name, ct);
            }
            catch (NotFoundException)
            {
                var due = await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition), ct)
                    .Where(r => !InvitationRows.Has(r, InvitationRows.Responded) && !InvitationRows.Has(r, InvitationRows.OptedOut) && !InvitationRows.Has(r, InvitationRows.Returned))
                    .Select(r => int.Parse(r.RowKey, System.Globalization.CultureInfo.InvariantCulture))
                    .ToListAsync(ct);
                plan = [.. due.Chunk(wave.Definition.LettersPerBatch)];
                try
                {
                    await store.Blobs.PutAsync(WaveStore.PlansContainer, name, JsonSerializer.SerializeToUtf8Bytes(plan), BlobCondition.IfNotExists, ct);
                }
                catch (ConflictException)
                {
                    plan = await ReadPlanAsync(store, name, ct);
                }
            }

            jobs.AddRange(plan.Select((rows, b) => new LetterJob(input, wave.SampleId!, LetterKind.Reminder, group.Zone, group.Language, b + 1, rows[0], rows[^1])));
        }

        // The list is fixed: no person's row needs to say "responded" any more.
        await counts.DropRespondedFlagsAsync(input, ct);
        return jobs;
    }

    public static string PlanBlob(string waveId, string zone, string language) => $"{waveId}/reminder/{zone}/{language}.json";

    /// <summary>The rows of one reminder batch, as planned.</summary>
    public static async Task<int[]> BatchRowsAsync(WaveStore store, LetterJob job, CancellationToken cancellationToken) =>
        (await ReadPlanAsync(store, PlanBlob(job.WaveId, job.Zone, job.Language), cancellationToken))[job.Batch - 1];

    /// <summary>A group's plan: the sample rows of each reminder batch.</summary>
    private static async Task<int[][]> ReadPlanAsync(WaveStore store, string name, CancellationToken cancellationToken) =>
        JsonSerializer.Deserialize<int[][]>((await store.Blobs.GetAsync(WaveStore.PlansContainer, name, cancellationToken)).Content.Span)!;
}
