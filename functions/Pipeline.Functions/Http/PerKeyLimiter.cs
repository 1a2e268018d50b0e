using System.Threading.RateLimiting;

namespace Pipeline.Functions.Http;

/// <summary>
/// A fixed one-minute window of permits per key (a token hash, a client address, or one key for the whole service):
/// the one limiter behind the per-token, wrong-key and unknown-token limits.
/// </summary>
internal abstract class PerKeyLimiter(Func<int> permitsPerMinute) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permitsPerMinute(),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when a permit was taken; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string key)
    {
        using var lease = _limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
    }

    /// <summary>True while this window's permits of <paramref name="key"/> are used up.</summary>
    public bool Exhausted(string key) => _limiter.GetStatistics(key)?.CurrentAvailablePermits == 0;

    public void Dispose()
    {
        _limiter.Dispose();
        GC.SuppressFinalize(this);
    }
}
