using Microsoft.Extensions.Logging;

namespace Pipeline.Durable;

/// <summary>
/// The orchestrator's only window on the world. Every method is deterministic under replay: it returns the
/// same values and schedules the same work, in the same order, each time the code runs.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestration instance's id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The orchestration's name, as registered.</summary>
    public abstract string Name { get; }

    /// <summary>The time the current step started, the same on every replay. Use it instead of the clock.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code replays steps that have already run; false once it reaches new work.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>
    /// Schedules an activity and returns its result. With <paramref name="options"/> a failed attempt is retried
    /// after durable timers; once the attempts are spent, a <see cref="TaskFailedException"/> is thrown.
    /// </summary>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity that returns nothing of interest.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>
    /// Starts a child orchestration and returns its output. Its instance id is <see cref="SubOrchestrationOptions.InstanceId"/>,
    /// or by default <c>{parent}:{task id}</c>, which is the same on every replay.
    /// </summary>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, SubOrchestrationOptions? options = null);

    /// <summary>
    /// A durable timer that completes at <paramref name="fireAt"/> (UTC), however far away: it survives restarts.
    /// Cancelling <paramref name="cancellationToken"/> cancels the task; the stored timer then fires into nothing.
    /// </summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer that fires after <paramref name="delay"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) =>
        CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>
    /// Waits for an event raised with <c>DurableTaskClient.RaiseEventAsync</c>. Names are case-insensitive.
    /// Events that arrive before anyone waits are buffered and handed out in the order they arrived.
    /// </summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>A GUID that is the same on every replay (name-based, from the instance and a counter).</summary>
    public abstract Guid NewGuid();

    /// <summary>Sets the status shown to clients; stored when the current step commits.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>
    /// Ends this execution and starts the orchestration afresh with <paramref name="newInput"/> and an empty
    /// history. Events received but not yet awaited are carried over. Return right after calling it.
    /// </summary>
    public abstract void ContinueAsNew(object? newInput);

    /// <summary>A logger that writes only when the code is not replaying, so each line appears once.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);
}
