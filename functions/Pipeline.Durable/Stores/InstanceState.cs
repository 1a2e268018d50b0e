namespace Pipeline.Durable.Stores;

/// <summary>An instance's status row, as the engine reads and writes it.</summary>
internal sealed record InstanceStatus(
    string InstanceId,
    string Name,
    string ExecutionId,
    OrchestrationRuntimeStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    int NextChunk)
{
    public string? ETag { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    public string? CustomStatus { get; init; }

    public TaskFailureDetails? Failure { get; init; }

    public ParentInstance? Parent { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }
}

/// <summary>An inbox message: its id, the execution it is for (null: whichever runs), and its event.</summary>
internal sealed record InboxMessage(string Id, string? ExecutionId, long Seq, HistoryEvent Event);

/// <summary>
/// All an orchestration step needs: the status, the current execution's history, and the inbox. Within a session,
/// the history may end in events not committed yet (<see cref="Uncommitted"/>, with the ids of the stored messages
/// they consumed, <see cref="Consumed"/>); <see cref="Status"/> is then as last committed, but for its custom status.
/// </summary>
internal sealed record InstanceSnapshot(InstanceStatus? Status, Pipeline.Storage.TableRow? StatusRow, IReadOnlyList<HistoryEvent> History, IReadOnlyList<InboxMessage> Inbox, IReadOnlyList<string> StaleRows)
{
    public IReadOnlyList<HistoryEvent> Uncommitted { get; init; } = [];

    public IReadOnlyList<string> Consumed { get; init; } = [];
}
