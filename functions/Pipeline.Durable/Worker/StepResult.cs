using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>What a step left: whether more messages wait, and the activities leased to this worker to run now.</summary>
internal sealed record StepResult(bool More, IReadOnlyList<TableRow> LocalTasks)
{
    public static StepResult Idle { get; } = new(false, []);
}
