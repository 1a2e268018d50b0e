namespace Pipeline.Durable;

/// <summary>An activity or sub-orchestration failed; <see cref="FailureDetails"/> says how.</summary>
public sealed class TaskFailedException : Exception
{
    public TaskFailedException() : this("task", -1, new TaskFailureDetails("Unknown", "unknown failure", null)) { }

    public TaskFailedException(string message) : this("task", -1, new TaskFailureDetails("Unknown", message, null)) { }

    public TaskFailedException(string message, Exception inner) : base(message, inner) => FailureDetails = TaskFailureDetails.From(inner);

    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed: {failureDetails?.ErrorType}: {failureDetails?.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails ?? throw new ArgumentNullException(nameof(failureDetails));
    }

    public string TaskName { get; } = "task";

    public int TaskId { get; } = -1;

    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>A failure as stored in history: the exception's type, message and stack, and its cause.</summary>
public sealed record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure = null)
{
    public static TaskFailureDetails From(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var inner = exception is TaskFailedException { TaskId: >= 0 } failed
            ? failed.FailureDetails
            : exception.InnerException is { } cause ? From(cause) : null;
        return new(exception.GetType().FullName ?? exception.GetType().Name, exception.Message, exception.StackTrace, inner);
    }

    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>The orchestrator's code did not replay its own history: it is not deterministic.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException() { }

    public NonDeterministicOrchestrationException(string message) : base(message) { }

    public NonDeterministicOrchestrationException(string message, Exception inner) : base(message, inner) { }
}
