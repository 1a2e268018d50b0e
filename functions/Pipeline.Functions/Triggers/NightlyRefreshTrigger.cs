using Pipeline.Functions.Aggregates;

namespace Pipeline.Functions.Triggers;

/// <summary>Timer trigger of <see cref="NightlyRefresh"/>: at start-up (past due), then at each scheduled time; it looks at least every 5 minutes, so that a crashed host's expired lease is taken over.</summary>
internal sealed partial class NightlyRefreshTrigger(NightlyRefresh refresh, TimeProvider time, ILogger<NightlyRefreshTrigger> logger) : BackgroundService
{
    private static readonly TimeSpan LookAtLeast = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await refresh.RunIfDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, e);
            }

            var now = time.GetUtcNow();
            var wait = refresh.Next(now) - now;
            await Task.Delay(wait < LookAtLeast ? wait + TimeSpan.FromMilliseconds(10) : LookAtLeast, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6004, Level = LogLevel.Error, Message = "The nightly refresh failed; it runs again at the next look")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
