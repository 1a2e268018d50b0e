using Pipeline.Functions.Platform;
using Pipeline.Storage;

namespace Pipeline.Functions.Operations;

/// <summary>
/// Asks storage once at start-up, before any worker or trigger starts: credentials that storage refuses stop the
/// host with one line naming <c>AzureWebJobsStorage</c>; storage that does not answer is asked again with growing
/// pauses (1 s doubling up to 30 s), one log line per attempt, until it answers or the host stops.
/// </summary>
internal sealed class StorageProbe(IBlobStore blobs, ITableStore tables, ILogger<StorageProbe> logger) : IHostedService
{
    /// <summary>The first pause between attempts. Default 1 s.</summary>
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var backoff = FirstBackoff;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await blobs.ListAsync(StorageHealthCheck.Probe, string.Empty, 1, null, cancellationToken);
                await tables.QueryAsync(StorageHealthCheck.Probe, TableQuery.All with { PageSize = 1 }, cancellationToken);
                return;
            }
            catch (StoreException e) when (e.StatusCode is 401 or 403)
            {
                throw new StorageRefusedException($"Storage refused the credentials in AzureWebJobsStorage (HTTP {e.StatusCode}): check its account name and key, or the identity's roles. {e.Message}", e);
            }
            catch (StoreException e) when (e.StatusCode is null or >= 500)
            {
                Log.StorageUnreachable(logger, attempt, e.Message, backoff.TotalSeconds);
                await Task.Delay(backoff, cancellationToken);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
            catch (StoreException)
            {
                // Any other answer (a missing container, say) shows storage reachable and the credentials accepted.
                return;
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Storage refused the configured credentials: the host cannot work and stops.</summary>
internal sealed class StorageRefusedException(string message, Exception inner) : Exception(message, inner);
