namespace Pipeline.Durable;

/// <summary>
/// An orchestrator, run by name. Its code is replayed from history each time it wakes, so it must be
/// deterministic: it takes time from <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>, GUIDs from
/// <see cref="TaskOrchestrationContext.NewGuid"/>, and does all I/O in activities. It awaits only tasks
/// the context gives it, never with <c>ConfigureAwait(false)</c>, and cancels with
/// <c>CancellationTokenSource.Cancel()</c>, not <c>CancelAsync()</c> (whose callbacks run on another thread).
/// </summary>
public interface ITaskOrchestrator
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>A typed orchestrator: derive from it and register it with <c>AddOrchestrator&lt;T&gt;()</c>.</summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    Type ITaskOrchestrator.InputType => typeof(TInput);

    Type ITaskOrchestrator.OutputType => typeof(TOutput);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);

    /// <summary>The orchestration's code; see <see cref="ITaskOrchestrator"/> for its rules.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);
}
