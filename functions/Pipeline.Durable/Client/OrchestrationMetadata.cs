namespace Pipeline.Durable.Client;

/// <summary>An instance as a client sees it. Payloads are JSON, filled when asked for.</summary>
public sealed record OrchestrationMetadata(
    string InstanceId,
    string Name,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt)
{
    public DateTimeOffset? CompletedAt { get; init; }

    public string? SerializedInput { get; init; }

    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public bool IsRunning => RuntimeStatus == OrchestrationRuntimeStatus.Running;

    public bool IsCompleted => RuntimeStatus.IsTerminal();

    public T? ReadInputAs<T>() => SerializedInput is null ? default : DurableJson.Deserialize<T>(SerializedInput);

    public T? ReadOutputAs<T>() => SerializedOutput is null ? default : DurableJson.Deserialize<T>(SerializedOutput);

    public T? ReadCustomStatusAs<T>() => SerializedCustomStatus is null ? default : DurableJson.Deserialize<T>(SerializedCustomStatus);
}

/// <summary>A filter on instances: any of <see cref="Statuses"/> (all when empty), created within the range, one page.</summary>
public sealed record OrchestrationQuery(
    IReadOnlyList<OrchestrationRuntimeStatus>? Statuses = null,
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    int PageSize = 100,
    string? ContinuationToken = null);

/// <summary>One page of instances; <paramref name="ContinuationToken"/> is null on the last.</summary>
public sealed record OrchestrationPage(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);

/// <summary>A filter for purging finished instances.</summary>
public sealed record PurgeInstancesFilter(DateTimeOffset? CompletedBefore = null, IReadOnlyList<OrchestrationRuntimeStatus>? Statuses = null);
