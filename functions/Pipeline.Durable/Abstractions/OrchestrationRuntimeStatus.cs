namespace Pipeline.Durable;

/// <summary>Where an orchestration instance stands.</summary>
public enum OrchestrationRuntimeStatus
{
    /// <summary>Scheduled; its first step has not run.</summary>
    Pending,
    Running,
    Completed,
    Failed,
    Terminated,
}

public static class OrchestrationRuntimeStatusExtensions
{
    /// <summary>Completed, Failed or Terminated: the instance will not run again.</summary>
    public static bool IsTerminal(this OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated;
}
