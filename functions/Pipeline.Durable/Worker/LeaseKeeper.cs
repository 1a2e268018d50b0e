using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>
/// Renews the lease on a claimed work row every third of the lease while its work runs, so that a long
/// activity is not claimed a second time. <see cref="Current"/> is the row with its latest ETag.
/// </summary>
internal sealed class LeaseKeeper : IAsyncDisposable
{
    private readonly TaskHubStore _hub;
    private readonly string _table;
    private readonly TimeSpan _lease;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LeaseKeeper(TaskHubStore hub, string table, TableRow claimed, TimeSpan lease)
    {
        _hub = hub;
        _table = table;
        _lease = lease;
        Current = claimed;
        _loop = Task.Run(RenewAsync);
    }

    public TableRow Current { get; private set; }

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_lease / 3, _hub.Time, _stop.Token);
                var row = Current;
                var renewed = new Dictionary<string, object>(row.Properties, StringComparer.Ordinal) { ["LeaseUntil"] = _hub.Now + _lease };
                var etag = await _hub.Tables.ReplaceAsync(_table, row with { Properties = renewed }, row.ETag!, _stop.Token);
                Current = row with { Properties = renewed, ETag = etag };
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (StoreException)
        {
            // Lost to another worker, or storage is down: the lease lapses, as it would after a crash.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
