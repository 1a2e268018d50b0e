namespace Pipeline.Durable;

/// <summary>
/// An activity: the unit of I/O of an orchestration. Delivery is at least once (a crash after the work and
/// before its result is stored runs it again), so an activity must be idempotent.
/// </summary>
public interface ITaskActivity
{
    Type InputType { get; }

    Type OutputType { get; }

    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>A typed activity: derive from it and register it with <c>AddActivity&lt;T&gt;()</c>. Resolved from DI per call.</summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    Type ITaskActivity.InputType => typeof(TInput);

    Type ITaskActivity.OutputType => typeof(TOutput);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!);

    /// <summary>The activity's work; it must be idempotent, because it runs at least once.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);
}

/// <summary>What an activity knows of its call.</summary>
public sealed record TaskActivityContext(string Name, string InstanceId, int TaskId, int Attempt, CancellationToken CancellationToken);
