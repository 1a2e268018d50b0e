using System.Text.Json.Serialization;

namespace Pipeline.Durable;

/// <summary>
/// One event of an orchestration's history. Events that arrived as messages carry the message's id, by
/// which a duplicate delivery is recognised and dropped. Payloads are JSON text.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$t")]
[JsonDerivedType(typeof(ExecutionStarted), "ExecutionStarted")]
[JsonDerivedType(typeof(OrchestratorStarted), "OrchestratorStarted")]
[JsonDerivedType(typeof(TaskScheduled), "TaskScheduled")]
[JsonDerivedType(typeof(TaskCompleted), "TaskCompleted")]
[JsonDerivedType(typeof(TaskFailed), "TaskFailed")]
[JsonDerivedType(typeof(TimerCreated), "TimerCreated")]
[JsonDerivedType(typeof(TimerFired), "TimerFired")]
[JsonDerivedType(typeof(SubOrchestrationCreated), "SubOrchestrationCreated")]
[JsonDerivedType(typeof(SubOrchestrationCompleted), "SubOrchestrationCompleted")]
[JsonDerivedType(typeof(SubOrchestrationFailed), "SubOrchestrationFailed")]
[JsonDerivedType(typeof(EventRaised), "EventRaised")]
[JsonDerivedType(typeof(ExecutionTerminated), "ExecutionTerminated")]
[JsonDerivedType(typeof(ExecutionCompleted), "ExecutionCompleted")]
[JsonDerivedType(typeof(PoisonDetected), "PoisonDetected")]
public abstract record HistoryEvent
{
    public DateTime Timestamp { get; init; }

    /// <summary>The id of the message this event arrived in, or null for events the orchestrator made.</summary>
    public string? MessageId { get; init; }
}

public sealed record ExecutionStarted(string Name, string ExecutionId, string? Input, ParentInstance? Parent) : HistoryEvent;

public sealed record ParentInstance(string InstanceId, string ExecutionId, int TaskId);

public sealed record OrchestratorStarted : HistoryEvent;

public sealed record TaskScheduled(int EventId, string Name, string? Input) : HistoryEvent
{
    /// <summary>
    /// Whether the worker that committed this event runs the activity itself, inside its session on the instance,
    /// without a work item; a worker that takes the instance over after a lapsed lease writes the work item then.
    /// </summary>
    public bool Local { get; init; }
}

public sealed record TaskCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

public sealed record TaskFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

public sealed record TimerCreated(int EventId, DateTime FireAt) : HistoryEvent;

public sealed record TimerFired(int TimerId, DateTime FireAt) : HistoryEvent;

public sealed record SubOrchestrationCreated(int EventId, string Name, string InstanceId, string? Input) : HistoryEvent;

public sealed record SubOrchestrationCompleted(int TaskScheduledId, string? Result) : HistoryEvent;

public sealed record SubOrchestrationFailed(int TaskScheduledId, TaskFailureDetails Failure) : HistoryEvent;

public sealed record EventRaised(string Name, string? Input) : HistoryEvent;

public sealed record ExecutionTerminated(string? Reason) : HistoryEvent;

/// <summary>The end of an execution: Completed, Failed, Terminated, or continued as new.</summary>
public sealed record ExecutionCompleted(OrchestrationRuntimeStatus Status, string? Result, TaskFailureDetails? Failure, bool ContinuedAsNew = false) : HistoryEvent;

/// <summary>A message to the instance kept failing and was set aside: the execution fails with <paramref name="Reason"/>.</summary>
public sealed record PoisonDetected(string Reason) : HistoryEvent;
