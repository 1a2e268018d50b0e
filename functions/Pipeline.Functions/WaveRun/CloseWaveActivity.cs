using Microsoft.DurableTask;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>The run's close: <see cref="WaveEnding.CloseAsync"/>.</summary>
internal sealed class CloseWaveActivity(WaveEnding ending) : TaskActivity<CloseRequest, WaveSummary>
{
    public override Task<WaveSummary> RunAsync(TaskActivityContext context, CloseRequest input) => ending.CloseAsync(input.WaveId, input.Cancelled, CancellationToken.None);
}
