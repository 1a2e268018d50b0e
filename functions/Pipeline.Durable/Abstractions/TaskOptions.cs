namespace Pipeline.Durable;

/// <summary>Options of an activity call.</summary>
public record TaskOptions(RetryPolicy? Retry = null);

/// <summary>Options of a sub-orchestration call.</summary>
public sealed record SubOrchestrationOptions(string? InstanceId = null, RetryPolicy? Retry = null) : TaskOptions(Retry);

/// <summary>
/// Retries of a failed task, waited out on durable timers. The n-th retry waits
/// <c>FirstRetryInterval * BackoffCoefficient^(n-1)</c>, capped at <see cref="MaxRetryInterval"/>.
/// </summary>
public sealed record RetryPolicy
{
    public RetryPolicy(int maxNumberOfAttempts, TimeSpan firstRetryInterval, double backoffCoefficient = 1.0, TimeSpan? maxRetryInterval = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
    }

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Growth of the interval per retry; 1 keeps it constant. Default 1.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>The longest wait between attempts. Default 1 hour.</summary>
    public TimeSpan MaxRetryInterval { get; }

    internal TimeSpan DelayBefore(int retry)
    {
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, retry - 1);
        return ticks >= MaxRetryInterval.Ticks ? MaxRetryInterval : TimeSpan.FromTicks((long)ticks);
    }
}
