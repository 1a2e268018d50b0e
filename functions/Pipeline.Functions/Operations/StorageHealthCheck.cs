using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipeline.Storage;

namespace Pipeline.Functions.Operations;

/// <summary>Reachability of one storage service, by one cheap read.</summary>
internal abstract class StorageHealthCheck : IHealthCheck
{
    public const string Probe = "health";

    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await ProbeAsync(cancellationToken);
            return HealthCheckResult.Healthy("ok");
        }
        catch (StoreException e)
        {
            return HealthCheckResult.Unhealthy(e.Message);
        }
    }

    protected abstract Task ProbeAsync(CancellationToken cancellationToken);
}

internal sealed class BlobHealthCheck(IBlobStore blobs) : StorageHealthCheck
{
    protected override Task ProbeAsync(CancellationToken cancellationToken) => blobs.ListAsync(Probe, string.Empty, 1, null, cancellationToken);
}

internal sealed class TableHealthCheck(ITableStore tables) : StorageHealthCheck
{
    protected override Task ProbeAsync(CancellationToken cancellationToken) => tables.QueryAsync(Probe, TableQuery.All with { PageSize = 1 }, cancellationToken);
}

internal sealed class QueueHealthCheck(IQueueStore queues) : StorageHealthCheck
{
    protected override Task ProbeAsync(CancellationToken cancellationToken) => queues.ReceiveAsync(Probe, 1, TimeSpan.FromSeconds(1), cancellationToken);
}
