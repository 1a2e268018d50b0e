using Microsoft.DurableTask;

namespace Pipeline.Functions.WaveRun;

/// <summary>The run's purge of personal data once the retention has passed: <see cref="WaveEnding.PurgeAsync"/>.</summary>
internal sealed class PurgePersonalDataActivity(WaveEnding ending) : TaskActivity<string, int>
{
    public override Task<int> RunAsync(TaskActivityContext context, string input) => ending.PurgeAsync(input, CancellationToken.None);
}
