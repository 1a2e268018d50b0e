namespace Pipeline.Durable.Worker;

/// <summary>
/// What one step of an orchestration produced: the events to append to history (the scheduling events among
/// them are the work to send), the custom status, when the execution ended, how, and the ids of answers
/// that arrived before their task was scheduled, which stay in the inbox.
/// </summary>
internal sealed record ExecutionResult(
    IReadOnlyList<HistoryEvent> NewEvents,
    string? CustomStatus,
    ExecutionCompleted? Completion,
    IReadOnlyList<EventRaised> CarryOver,
    IReadOnlyList<string> Waiting);
