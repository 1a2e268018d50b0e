namespace Pipeline.Functions.Triggers;

/// <summary>
/// The loop of a timer trigger: run once at start-up (what is past due), then after each <see cref="Delay"/>. A
/// failed run is logged and the next run tries again; the work it left stays in storage.
/// </summary>
internal abstract partial class TimerTrigger(TimeProvider time, ILogger logger) : BackgroundService
{
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    /// <summary>How long to wait after a run that ended at <paramref name="now"/>.</summary>
    protected abstract TimeSpan Delay(DateTimeOffset now);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Pipeline.Storage.StoreException e) when (e.StatusCode is null)
            {
                // An outage: one line per run, not a stack trace per poll.
                Log.Unreachable(logger, GetType().Name, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, GetType().Name, e);
            }

            await Task.Delay(Delay(time.GetUtcNow()), time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "{Trigger} failed; its next run tries again")]
        public static partial void Failed(ILogger logger, string trigger, Exception exception);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "{Trigger}: storage did not answer ({Reason}); its next run tries again")]
        public static partial void Unreachable(ILogger logger, string trigger, string reason);
    }
}
