using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>
/// Runs activities, from a claimed work item or within a session on their instance, and delivers answers: into
/// the instance's inbox, then the work item's removal. A crash before the answer is stored (in the inbox, or in
/// the session's next commit) runs the activity again after the lease: at least once.
/// </summary>
internal sealed class ActivityProcessor(
    TaskHubStore hub,
    DurableTaskRegistry registry,
    IServiceScopeFactory scopes,
    IFaultInjector faults,
    WorkSignal signal,
    ILogger<ActivityProcessor> logger)
{
    /// <summary>
    /// Runs an activity: its answer, <see cref="TaskCompleted"/> or <see cref="TaskFailed"/>, is not stored yet.
    /// </summary>
    public async Task<HistoryEvent> RunAsync(string name, string instanceId, int taskId, string? input, int dequeueCount, CancellationToken cancellationToken)
    {
        HistoryEvent outcome;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var activity = registry.CreateActivity(scope.ServiceProvider, name)
                ?? throw new InvalidOperationException($"No activity named '{name}' is registered in this worker.");
            var context = new TaskActivityContext(name, instanceId, taskId, dequeueCount, cancellationToken);
            outcome = new TaskCompleted(taskId, DurableJson.Serialize(await activity.RunAsync(context, DurableJson.Deserialize(input, activity.InputType))));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = new TaskFailed(taskId, TaskFailureDetails.From(e));
        }

        faults.At(FaultPoint.ActivityAfterRun, instanceId);
        return outcome with { Timestamp = hub.Now.UtcDateTime };
    }

    /// <summary>
    /// Delivers an activity's answer to its instance's inbox, then removes its work item (when it has one). With
    /// <paramref name="claimInstanceFor"/>, an idle instance's ready row is created leased to that worker and
    /// returned, so the next step runs here at once. A crash before the removal runs the activity again after
    /// the lease: at least once.
    /// </summary>
    public async Task<TableRow?> AnswerAsync(TableRow? workItem, string instanceId, string executionId, HistoryEvent outcome, CancellationToken cancellationToken, string? claimInstanceFor = null, bool instanceBusyHere = false)
    {
        var taskId = TaskHubStore.AnsweredTask(outcome);
        var ready = await hub.SendAsync(instanceId, AnswerId(executionId, taskId), executionId, outcome, cancellationToken, claimInstanceFor, instanceBusyHere);
        if (ready is null && !instanceBusyHere)
        {
            // Neither stepped here next nor in a session here, which polls when it ends: a poll picks it up.
            signal.PulseOrchestrations();
        }

        faults.At(FaultPoint.ActivityBeforeDelete, instanceId);
        if (workItem is not null)
        {
            await DeleteAsync(workItem, cancellationToken);
        }

        return ready;
    }

    /// <summary>The id of an activity's answer message, the same for every run of it.</summary>
    public static string AnswerId(string executionId, int taskId) => $"a-{executionId}-{taskId}";

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
