using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Pipeline.Durable.Worker;

/// <summary>The orchestrator-facing calls of <see cref="ReplayContext"/>.</summary>
internal sealed partial class ReplayContext
{
    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var json = DurableJson.Serialize(input);
        var result = await WithRetry(options?.Retry, () =>
        {
            var id = _nextTaskId++;
            return Schedule(new TaskScheduled(id, name, json), id, name);
        });
        return DurableJson.Deserialize<TResult>(result);
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, SubOrchestrationOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var json = DurableJson.Serialize(input);
        var result = await WithRetry(options?.Retry, () =>
        {
            var id = _nextTaskId++;
            var child = options?.InstanceId ?? $"{InstanceId}:{id:D4}";
            return Schedule(new SubOrchestrationCreated(id, name, child, json), id, name);
        });
        return DurableJson.Deserialize<TResult>(result);
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var id = _nextTaskId++;
        var fired = Schedule(new TimerCreated(id, DateTime.SpecifyKind(fireAt, DateTimeKind.Utc)), id, "timer");
        if (cancellationToken.CanBeCanceled)
        {
            var source = _open[id].Source;
            cancellationToken.Register(() => source.TrySetCanceled(cancellationToken));
        }

        return fired;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        if (_buffered.TryGetValue(eventName, out var queue) && queue.TryDequeue(out var buffered))
        {
            return Task.FromResult(DurableJson.Deserialize<T>(buffered.Input));
        }

        if (!_waiters.TryGetValue(eventName, out var waiting))
        {
            _waiters[eventName] = waiting = new LinkedList<TaskCompletionSource<string?>>();
        }

        var source = new TaskCompletionSource<string?>();
        var node = waiting.AddLast(source);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    waiting.Remove(node);
                }

                source.TrySetCanceled(cancellationToken);
            });
        }

        return Convert<T>(source.Task);
    }

    public override Guid NewGuid()
    {
        // Name-based, so a replay yields the same GUIDs in the same order.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{InstanceId}\n{_start?.ExecutionId}\n{_guids++}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16));
    }

    public override void SetCustomStatus(object? customStatus) => _customStatus = DurableJson.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput)
    {
        _continued = true;
        _continueAsNew = newInput;
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) => new ReplaySafeLogger(this, _loggers.CreateLogger(categoryName));

    private async Task<string?> WithRetry(RetryPolicy? retry, Func<Task<string?>> attempt)
    {
        for (var n = 1; ; n++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException) when (retry is not null && n < retry.MaxNumberOfAttempts)
            {
                await CreateTimer(CurrentUtcDateTime + retry.DelayBefore(n), CancellationToken.None);
            }
        }
    }

    private static async Task<T> Convert<T>(Task<string?> json) => DurableJson.Deserialize<T>(await json);

    private sealed class ReplaySafeLogger(ReplayContext context, ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => !context.IsReplaying && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!context.IsReplaying)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
