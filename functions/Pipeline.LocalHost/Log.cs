using Microsoft.Extensions.Logging;

namespace Pipeline.LocalHost;

/// <summary>
/// Every log message of the local Functions host, in one table, with an EventId range per part: 1xxx the worker's
/// process and channel, 2xxx the triggers, 3xxx Durable, 4xxx the demo. Like the app's, no message carries a token, a
/// name, an address or an answer.
/// </summary>
internal static partial class Log
{
    // 1xxx: the worker's process and its channel.
    [LoggerMessage(1001, LogLevel.Information, "Started the worker (pid {Pid}, start {Start})")]
    public static partial void WorkerLaunched(ILogger logger, int pid, int start);

    [LoggerMessage(1002, LogLevel.Warning, "The worker exited ({ExitCode}); starting it again")]
    public static partial void WorkerDied(ILogger logger, int exitCode);

    [LoggerMessage(1003, LogLevel.Debug, "[worker output] {Line}")]
    public static partial void WorkerOutput(ILogger logger, string line);

    [LoggerMessage(1004, LogLevel.Information, "Worker {WorkerId} connected")]
    public static partial void WorkerConnected(ILogger logger, string workerId);

    [LoggerMessage(1005, LogLevel.Information, "Worker loaded {Count} functions")]
    public static partial void FunctionsLoaded(ILogger logger, int count);

    [LoggerMessage(EventId = 1006, Message = "[worker] {Category}: {Message} {Exception}")]
    public static partial void WorkerLog(ILogger logger, LogLevel level, string category, string message, string? exception);

    // 2xxx: the triggers.
    [LoggerMessage(2001, LogLevel.Warning, "Function {Function} failed ({Error}); its trigger tries again")]
    public static partial void FunctionFailed(ILogger logger, string function, string error);

    [LoggerMessage(2002, LogLevel.Warning, "Function {Function}: storage did not answer ({Reason})")]
    public static partial void StorageUnreachable(ILogger logger, string function, string reason);

    [LoggerMessage(2003, LogLevel.Warning, "Function {Function}: a message failed {Count} times and moved to {Queue}")]
    public static partial void Poisoned(ILogger logger, string function, int count, string queue);

    // 3xxx: Durable.
    [LoggerMessage(3001, LogLevel.Warning, "The worker did not answer for {Function} ({Error}); the work item is dispatched again")]
    public static partial void WorkItemAborted(ILogger logger, string function, string error);

    // 4xxx: the demo.
    [LoggerMessage(4001, LogLevel.Information, "Demo wave {WaveId} started with {People} synthetic people: reminder in {ReminderAfter}, close in {CloseAfter}. Follow it at GET /api/waves/{WaveId} (operator key) and its letters at /api/waves/{WaveId}/letters.")]
    public static partial void DemoStarted(ILogger logger, string waveId, int people, TimeSpan reminderAfter, TimeSpan closeAfter);

    [LoggerMessage(4002, LogLevel.Information, "Demo wave {WaveId}: {Responders} synthetic questionnaires submitted; the reminder goes to the others, the close releases them, and the aggregates follow: GET /api/waves/{WaveId}/aggregates or /dashboard/{WaveId}.")]
    public static partial void DemoResponses(ILogger logger, string waveId, int responders);
}
