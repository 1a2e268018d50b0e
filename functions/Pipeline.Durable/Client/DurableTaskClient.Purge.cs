using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Client;

/// <summary>Purging: an instance's rows, history, timers, pending work and payload blobs.</summary>
public sealed partial class DurableTaskClient
{
    /// <summary>
    /// Deletes a finished instance with everything it left: history, inbox, timers, work items and large-payload
    /// blobs. Returns false when there was no such instance; an unfinished one is an <see cref="OrchestrationInstanceException"/>.
    /// </summary>
    public async Task<bool> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var snapshot = await _hub.LoadAsync(instanceId, cancellationToken);
        if (snapshot.Status is not { } status)
        {
            return false;
        }

        if (!status.Status.IsTerminal())
        {
            throw new OrchestrationInstanceException(instanceId, InstanceProblem.NotFinished, $"Cannot purge instance '{instanceId}': it is {status.Status}; terminate it first.");
        }

        await _hub.DeletePendingWorkAsync(instanceId, status.ExecutionId, snapshot.History, cancellationToken);
        var rows = await _hub.Tables.QueryAllAsync(_hub.Instances, TableQuery.InPartition(instanceId), cancellationToken).Select(r => r.RowKey).ToListAsync(cancellationToken);

        // The status row goes last, so that a purge cut short can be run again.
        await _hub.DeleteRowsAsync(instanceId, rows.Where(r => r != TaskHubStore.StatusRow), cancellationToken);
        await _hub.DeletePayloadsAsync(instanceId, cancellationToken);
        await _hub.TryDeleteAsync(_hub.Ready, TaskHubStore.WorkPartition, instanceId, cancellationToken);
        await _hub.TryDeleteAsync(_hub.Instances, instanceId, TaskHubStore.StatusRow, cancellationToken);
        return true;
    }

    /// <summary>Purges every finished instance that matches <paramref name="filter"/>; returns how many.</summary>
    public async Task<int> PurgeInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var purged = 0;
        string? continuation = null;
        do
        {
            var page = await QueryInstancesAsync(new OrchestrationQuery(PageSize: 1000, ContinuationToken: continuation), cancellationToken);
            foreach (var instance in page.Instances)
            {
                var matches = instance.IsCompleted
                    && (filter.Statuses is not { Count: > 0 } statuses || statuses.Contains(instance.RuntimeStatus))
                    && (filter.CompletedBefore is not { } before || (instance.CompletedAt ?? instance.LastUpdatedAt) < before);
                if (matches && await PurgeInstanceAsync(instance.InstanceId, cancellationToken))
                {
                    purged++;
                }
            }

            continuation = page.ContinuationToken;
        }
        while (continuation is not null);

        return purged;
    }
}
