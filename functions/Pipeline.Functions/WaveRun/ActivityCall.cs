using Microsoft.DurableTask;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// The context of an activity run outside DurableTask.Core's worker: by a Functions activity trigger, or directly by an
/// operator's request in place of a wave's stopped run.
/// </summary>
internal sealed class ActivityCall(string name, string waveId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = waveId;
}
