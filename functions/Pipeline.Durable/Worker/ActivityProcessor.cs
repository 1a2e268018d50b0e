using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>
/// Runs one claimed activity work item: the activity, then its result into the instance's inbox, then the
/// work item's removal. A crash before the removal runs the activity again after the lease: at least once.
/// </summary>
internal sealed class ActivityProcessor(
    TaskHubStore hub,
    DurableTaskRegistry registry,
    IServiceScopeFactory scopes,
    IFaultInjector faults,
    WorkSignal signal,
    IOptions<DurableTaskOptions> options,
    ILogger<ActivityProcessor> logger)
{
    /// <summary>
    /// Runs the activity and delivers its answer. With <paramref name="claimInstanceFor"/>, an idle instance's
    /// ready row is created leased to that worker and returned, so the next step runs here at once.
    /// </summary>
    public async Task<TableRow?> ProcessAsync(TableRow claimed, CancellationToken cancellationToken, string? claimInstanceFor = null, bool instanceBusyHere = false)
    {
        var instanceId = claimed.GetString("InstanceId")!;
        var executionId = claimed.GetString("ExecutionId")!;
        var taskId = claimed.Get<int>("TaskId");
        var name = claimed.GetString("Name")!;
        HistoryEvent outcome;
        await using (var lease = new LeaseKeeper(hub, hub.Tasks, claimed, options.Value.LeaseDuration))
        {
            try
            {
                var result = await RunAsync(claimed, instanceId, taskId, name, cancellationToken);
                outcome = new TaskCompleted(taskId, result);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                outcome = new TaskFailed(taskId, TaskFailureDetails.From(e));
            }

            claimed = lease.Current;
        }

        faults.At(FaultPoint.ActivityAfterRun, instanceId);
        var ready = await hub.SendAsync(instanceId, $"a-{executionId}-{taskId}", executionId, outcome with { Timestamp = hub.Now.UtcDateTime }, cancellationToken, claimInstanceFor, instanceBusyHere);
        signal.PulseOrchestrations();
        faults.At(FaultPoint.ActivityBeforeDelete, instanceId);
        await DeleteAsync(claimed, cancellationToken);
        return ready;
    }

    /// <summary>Sets aside a work item claimed too often and fails its instance with the reason.</summary>
    public async Task PoisonAsync(TableRow claimed, int count, CancellationToken cancellationToken)
    {
        var instanceId = claimed.GetString("InstanceId")!;
        var executionId = claimed.GetString("ExecutionId")!;
        var name = claimed.GetString("Name");
        Log.Poisoned(logger, claimed.RowKey, instanceId, count);
        var reason = $"Activity '{name}' (task #{claimed.Get<int>("TaskId")}) was claimed {count} times without finishing and was set aside as poison.";
        await hub.PoisonAsync("activity", claimed.RowKey, instanceId, reason, cancellationToken);
        await hub.SendAsync(instanceId, $"p-{executionId}-{claimed.Get<int>("TaskId")}", executionId, new PoisonDetected(reason) { Timestamp = hub.Now.UtcDateTime }, cancellationToken);
        signal.PulseOrchestrations();
        await DeleteAsync(claimed, cancellationToken);
    }

    private async Task<string?> RunAsync(TableRow claimed, string instanceId, int taskId, string name, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var activity = registry.CreateActivity(scope.ServiceProvider, name)
            ?? throw new InvalidOperationException($"No activity named '{name}' is registered in this worker.");
        var input = DurableJson.Deserialize(await hub.GetPayloadAsync(claimed, "Input", cancellationToken), activity.InputType);
        var context = new TaskActivityContext(name, instanceId, taskId, claimed.Get<int>("DequeueCount"), cancellationToken);
        return DurableJson.Serialize(await activity.RunAsync(context, input));
    }

    private async Task DeleteAsync(TableRow claimed, CancellationToken cancellationToken)
    {
        try
        {
            await hub.Tables.DeleteAsync(hub.Tasks, TaskHubStore.WorkPartition, claimed.RowKey, claimed.ETag, cancellationToken);
        }
        catch (StoreException e) when (e is PreconditionFailedException or NotFoundException)
        {
            // Our lease ran out and another worker took the item; its answer is a duplicate the instance drops.
        }
    }
}
