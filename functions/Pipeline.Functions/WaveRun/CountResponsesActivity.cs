using Microsoft.DurableTask;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>How many of a wave's responses are in the response store now, for the orchestration's custom status.</summary>
internal sealed class CountResponsesActivity(WaveStore store, WaveCounts counts) : TaskActivity<string, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, string input) =>
        await store.GetAsync(input, CancellationToken.None) is { } wave
            ? (await counts.ProgressAsync(wave, CancellationToken.None)).Zones.Sum(z => z.Responded)
            : 0;
}
