using Microsoft.Extensions.Logging;

namespace Pipeline.Durable.Worker;

/// <summary>The engine's log lines. Instance ids are wave or random ids, never personal data.</summary>
internal static partial class Log
{
    [LoggerMessage(100, LogLevel.Debug, "Instance {InstanceId}: step with {Messages} message(s) committed, {Events} event(s), status {Status}")]
    public static partial void StepCommitted(ILogger logger, string instanceId, int messages, int events, OrchestrationRuntimeStatus status);

    [LoggerMessage(101, LogLevel.Warning, "Instance {InstanceId}: step abandoned; its lease will expire and another worker retries it")]
    public static partial void StepAbandoned(ILogger logger, string instanceId, Exception exception);

    [LoggerMessage(102, LogLevel.Information, "Instance {InstanceId} ({Name}) finished as {Status}")]
    public static partial void InstanceFinished(ILogger logger, string instanceId, string name, OrchestrationRuntimeStatus status);

    [LoggerMessage(103, LogLevel.Error, "Work item {Key} of instance {InstanceId} was claimed {Count} times and is set aside as poison")]
    public static partial void Poisoned(ILogger logger, string key, string instanceId, int count);

    [LoggerMessage(104, LogLevel.Warning, "Activity {Name} of instance {InstanceId} abandoned; it runs again after its lease")]
    public static partial void ActivityAbandoned(ILogger logger, string name, string instanceId, Exception exception);

    [LoggerMessage(105, LogLevel.Warning, "Instance {InstanceId}: lost the lease or the commit race; another worker owns the step")]
    public static partial void StepLost(ILogger logger, string instanceId);

    [LoggerMessage(106, LogLevel.Warning, "Durable worker loop {Loop} failed; retrying")]
    public static partial void LoopFailed(ILogger logger, string loop, Exception exception);

    [LoggerMessage(107, LogLevel.Information, "Durable worker {WorkerId} started on hub {Hub}")]
    public static partial void WorkerStarted(ILogger logger, string workerId, string hub);
}
