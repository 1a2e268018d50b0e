using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Triggers;

/// <summary>
/// Timer trigger: runs <see cref="ResponseRelease"/> at start-up (a release missed while the host was down) and
/// then at every multiple of <see cref="ResponseOptions.ReleaseInterval"/> since midnight UTC.
/// </summary>
internal sealed partial class ResponseReleaseTrigger(ResponseRelease release, IOptions<ResponseOptions> options, TimeProvider time, ILogger<ResponseReleaseTrigger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.ReleaseInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await release.ReleaseAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.ReleaseFailed(logger, e);
            }

            var now = time.GetUtcNow();
            var next = new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero);
            await Task.Delay(next - now, time, stoppingToken);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "The response release failed; the next run retries it")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception);
    }
}
