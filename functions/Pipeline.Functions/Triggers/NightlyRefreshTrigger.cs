using Pipeline.Functions.Aggregates;

namespace Pipeline.Functions.Triggers;

/// <summary>
/// Timer trigger of <see cref="NightlyRefresh"/>: at start-up (past due), then at each scheduled time; it looks at
/// least every 5 minutes, so that a crashed host's expired lease is taken over.
/// </summary>
internal sealed class NightlyRefreshTrigger(NightlyRefresh refresh, TimeProvider time, ILogger<NightlyRefreshTrigger> logger)
    : TimerTrigger(time, logger)
{
    private static readonly TimeSpan LookAtLeast = TimeSpan.FromMinutes(5);

    protected override Task RunOnceAsync(CancellationToken cancellationToken) => refresh.RunIfDueAsync(cancellationToken);

    protected override TimeSpan Delay(DateTimeOffset now)
    {
        var wait = refresh.Next(now) - now;
        return wait < LookAtLeast ? wait + TimeSpan.FromMilliseconds(10) : LookAtLeast;
    }
}
