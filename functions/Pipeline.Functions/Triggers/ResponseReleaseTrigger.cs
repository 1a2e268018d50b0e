using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Triggers;

/// <summary>
/// Runs <see cref="ResponseRelease"/> at start-up (a release missed while the host was down) and then at every
/// multiple of <see cref="ResponseOptions.ReleaseInterval"/> since midnight UTC.
/// </summary>
internal sealed class ResponseReleaseTrigger(ResponseRelease release, IOptions<ResponseOptions> options, TimeProvider time, ILogger<ResponseReleaseTrigger> logger)
    : TimerTrigger(time, logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => release.ReleaseAsync(cancellationToken);

    protected override TimeSpan Delay(DateTimeOffset now)
    {
        var interval = options.Value.ReleaseInterval;
        return new DateTimeOffset((now.UtcTicks / interval.Ticks + 1) * interval.Ticks, TimeSpan.Zero) - now;
    }
}
