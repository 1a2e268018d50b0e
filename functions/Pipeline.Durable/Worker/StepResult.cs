using Pipeline.Durable.Stores;

namespace Pipeline.Durable.Worker;

/// <summary>
/// What a step starts from: the instance as this worker left it after its previous step in the same session
/// (null: load it), the answers of activities the session ran itself, how many of the activities the step
/// schedules it may keep to run itself (asked with the number it has, answering how many it got), and whether the
/// worker that held the instance before lost it (so that its local activities are handed to the work table).
/// </summary>
internal sealed record StepInput(InstanceSnapshot? Cached, IReadOnlyList<InboxMessage> LocalAnswers, Func<int, int>? ReserveLocal, bool Recover)
{
    public static StepInput Fresh(Func<int, int>? reserveLocal, bool recover) => new(null, [], reserveLocal, recover);
}

/// <summary>
/// What a step left: whether more messages wait, the activities it scheduled for this worker to run itself, the
/// execution they belong to, and the instance after the commit for the session's next step (null when the
/// execution ended).
/// </summary>
internal sealed record StepResult(bool More, IReadOnlyList<TaskScheduled> LocalTasks, string? ExecutionId, InstanceSnapshot? Next)
{
    public static StepResult Idle { get; } = new(false, [], null, null);
}
