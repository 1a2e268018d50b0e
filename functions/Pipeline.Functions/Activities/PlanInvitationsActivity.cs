using Pipeline.Durable;
using Pipeline.Functions.Orchestrations;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Letters;

namespace Pipeline.Functions.Activities;

/// <summary>Cuts the wave's sample into PDF batches: per zone and language, consecutive rows, <c>LettersPerBatch</c> each.</summary>
internal sealed class PlanInvitationsActivity(WaveStore store) : TaskActivity<string, List<LetterJob>>
{
    public override async Task<List<LetterJob>> RunAsync(TaskActivityContext context, string input)
    {
        var wave = await store.GetAsync(input, context.CancellationToken) ?? throw new InvalidOperationException($"Wave '{input}' does not exist.");
        var size = wave.Definition.LettersPerBatch;
        return [.. WaveStore.Groups(wave).SelectMany(g => Enumerable.Range(0, (g.Count + size - 1) / size)
            .Select(b => new LetterJob(wave.Definition.Id, wave.SampleId!, LetterKind.Invitation, g.Zone, g.Language, b + 1, (b * size) + 1, Math.Min((b + 1) * size, g.Count))))];
    }
}
