using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Responses;

/// <summary>
/// Limits submissions and form posts per token (keyed by its hash), <see cref="ResponseOptions.TokenPermitsPerMinute"/>
/// a minute, so that one letter cannot be used to hammer the store.
/// </summary>
internal sealed class TokenRateLimiter(IOptions<ResponseOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(hash =>
        RateLimitPartition.GetFixedWindowLimiter(hash, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.TokenPermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when admitted; otherwise how long to wait.</summary>
    public TimeSpan? TryAcquire(string tokenHash)
    {
        using var lease = _limiter.AttemptAcquire(tokenHash);
        return lease.IsAcquired ? null : lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) ? retry : TimeSpan.FromMinutes(1);
    }

    public void Dispose() => _limiter.Dispose();
}
