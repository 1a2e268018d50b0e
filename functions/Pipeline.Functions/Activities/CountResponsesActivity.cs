using Pipeline.Durable;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Activities;

/// <summary>How many of a wave's invitations are marked responded now, for the orchestration's custom status.</summary>
internal sealed class CountResponsesActivity(WaveStore store) : TaskActivity<string, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, string input) =>
        await store.GetAsync(input, context.CancellationToken) is { } wave
            ? (await store.CountByZoneAsync(wave, context.CancellationToken)).Sum(z => z.Responded)
            : 0;
}
