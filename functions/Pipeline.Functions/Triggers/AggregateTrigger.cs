using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;

namespace Pipeline.Functions.Triggers;

/// <summary>
/// The blob trigger of the aggregates: every <see cref="AggregateOptions.PollInterval"/> it takes the recompute
/// requests that response writes left (also those left while the host was down), at most one recompute per
/// wave per <see cref="AggregateOptions.CoalesceWindow"/>.
/// </summary>
internal sealed class AggregateTrigger(AggregateService aggregates, IOptions<AggregateOptions> options, TimeProvider time, ILogger<AggregateTrigger> logger)
    : TimerTrigger(time, logger)
{
    protected override Task RunOnceAsync(CancellationToken cancellationToken) => aggregates.ProcessRequestsAsync(cancellationToken);

    protected override TimeSpan Delay(DateTimeOffset now) => options.Value.PollInterval;
}
