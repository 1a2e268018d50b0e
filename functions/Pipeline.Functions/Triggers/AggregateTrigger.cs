using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;

namespace Pipeline.Functions.Triggers;

/// <summary>
/// The blob trigger of the aggregates: every <see cref="AggregateOptions.PollInterval"/> it takes the recompute
/// requests that response writes left (also those left while the host was down), at most one recompute per
/// wave per <see cref="AggregateOptions.CoalesceWindow"/>.
/// </summary>
internal sealed partial class AggregateTrigger(AggregateService aggregates, IOptions<AggregateOptions> options, TimeProvider time, ILogger<AggregateTrigger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await aggregates.ProcessRequestsAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.Failed(logger, e);
            }

            await Task.Delay(options.Value.PollInterval, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "Recomputing aggregates failed; the request stays and is retried")]
        public static partial void Failed(ILogger logger, Exception exception);
    }
}
