namespace Pipeline.Durable.Client;

/// <summary>Why a client call on an instance was refused.</summary>
public enum InstanceProblem
{
    /// <summary>No instance has that id (or it was purged).</summary>
    NotFound,

    /// <summary>An instance with that id is still pending or running.</summary>
    AlreadyRunning,

    /// <summary>The instance has finished, so it takes no events and cannot be terminated.</summary>
    NotRunning,

    /// <summary>The instance has not finished, so it cannot be purged.</summary>
    NotFinished,
}

/// <summary>A client call refused because of the instance's state; <see cref="Problem"/> says which.</summary>
public sealed class OrchestrationInstanceException : Exception
{
    public OrchestrationInstanceException() { }

    public OrchestrationInstanceException(string message) : base(message) { }

    public OrchestrationInstanceException(string message, Exception inner) : base(message, inner) { }

    public OrchestrationInstanceException(string instanceId, InstanceProblem problem, string message) : base(message)
    {
        InstanceId = instanceId;
        Problem = problem;
    }

    public string InstanceId { get; } = string.Empty;

    public InstanceProblem Problem { get; }
}
