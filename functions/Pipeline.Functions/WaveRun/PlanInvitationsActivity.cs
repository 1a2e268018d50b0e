using System.Globalization;
using Microsoft.DurableTask;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Letters;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// Cuts the wave's sample into PDF batches: per zone and language, <c>LettersPerBatch</c> consecutive rows each. The plan
/// is built from the rows that exist, not from the wave's counts, so a group without rows has no batch.
/// </summary>
internal sealed class PlanInvitationsActivity(WaveStore store) : TaskActivity<string, List<LetterJob>>
{
    public override async Task<List<LetterJob>> RunAsync(TaskActivityContext context, string input)
    {
        var wave = await store.GetAsync(input, CancellationToken.None) ?? throw new InvalidOperationException($"Wave '{input}' does not exist.");
        var jobs = new List<LetterJob>();
        foreach (var group in WaveStore.Groups(wave))
        {
            var rows = await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition), CancellationToken.None)
                .Select(r => int.Parse(r.RowKey, CultureInfo.InvariantCulture))
                .ToListAsync(CancellationToken.None);
            jobs.AddRange(rows.Order().Chunk(wave.Definition.LettersPerBatch).Select((batch, b) =>
                new LetterJob(wave.Definition.Id, wave.SampleId!, LetterKind.Invitation, group.Zone, group.Language, b + 1, batch[0], batch[^1])));
        }

        return jobs;
    }
}
