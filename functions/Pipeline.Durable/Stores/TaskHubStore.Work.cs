using System.Text.Json;
using Pipeline.Storage;

namespace Pipeline.Durable.Stores;

/// <summary>Work items: activities, timers, and the inbox rows a step writes for itself.</summary>
internal sealed partial class TaskHubStore
{
    public async Task<TableRow> MessageRowAsync(string instanceId, InboxMessage message, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, object> { ["Seq"] = message.Seq };
        if (message.ExecutionId is not null)
        {
            properties["ExecutionId"] = message.ExecutionId;
        }

        await SetPayloadAsync(properties, "Event", JsonSerializer.Serialize(message.Event, DurableJson.Options), instanceId, "m-" + message.Id, cancellationToken);
        return new TableRow(instanceId, MessageRow(message.Id), properties);
    }

    /// <summary>
    /// Adds an activity work item, leased to <paramref name="claimFor"/> when given (the row is returned, and the
    /// caller runs it); a repeated step finds the row there and leaves it. <paramref name="dequeueCount"/> counts
    /// the runs it had already, outside the work table.
    /// </summary>
    public async Task<TableRow?> AddTaskAsync(string instanceId, string executionId, TaskScheduled task, CancellationToken cancellationToken, string? claimFor = null, int dequeueCount = 0)
    {
        var row = await TaskRowAsync(instanceId, executionId, task, claimFor, dequeueCount, cancellationToken);
        try
        {
            var etag = await tables.InsertAsync(Tasks, row, cancellationToken);
            return claimFor is null ? null : row with { ETag = etag };
        }
        catch (ConflictException)
        {
            // Written by an earlier run of this step, and perhaps already leased: leave it be.
            return null;
        }
    }

    /// <summary>
    /// Adds unleased work items for a fan-out, 100 to a batch; a batch that meets a row an earlier run of the step
    /// wrote is added row by row.
    /// </summary>
    public async Task AddTasksAsync(string instanceId, string executionId, IReadOnlyList<TaskScheduled> tasks, CancellationToken cancellationToken)
    {
        foreach (var chunk in tasks.Chunk(TableBatch.MaxOperations))
        {
            var batch = new TableBatch();
            foreach (var task in chunk)
            {
                batch.Insert(await TaskRowAsync(instanceId, executionId, task, null, 0, cancellationToken));
            }

            try
            {
                await tables.ExecuteBatchAsync(Tasks, batch, cancellationToken);
            }
            catch (ConflictException)
            {
                foreach (var task in chunk)
                {
                    await AddTaskAsync(instanceId, executionId, task, cancellationToken);
                }
            }
        }
    }

    private async Task<TableRow> TaskRowAsync(string instanceId, string executionId, TaskScheduled task, string? claimFor, int dequeueCount, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, object>
        {
            ["InstanceId"] = instanceId,
            ["ExecutionId"] = executionId,
            ["TaskId"] = task.EventId,
            ["Name"] = task.Name,
            ["LeaseOwner"] = claimFor ?? string.Empty,
            ["LeaseUntil"] = claimFor is null ? NoLease : Now + options.LeaseDuration,
            ["DequeueCount"] = dequeueCount + (claimFor is null ? 0 : 1),
        };
        await SetPayloadAsync(properties, "Input", task.Input, instanceId, $"{executionId}/task-{task.EventId}", cancellationToken);
        return new TableRow(WorkPartition, TaskRow(instanceId, executionId, task.EventId), properties);
    }

    /// <summary>Adds a durable timer; a repeated step rewrites the same row.</summary>
    public Task AddTimerAsync(string instanceId, string executionId, TimerCreated timer, CancellationToken cancellationToken) =>
        tables.UpsertAsync(Timers, new TableRow(WorkPartition, TimerRow(timer.FireAt, instanceId, executionId, timer.EventId), new Dictionary<string, object>
        {
            ["InstanceId"] = instanceId,
            ["ExecutionId"] = executionId,
            ["TimerId"] = timer.EventId,
            ["FireAt"] = new DateTimeOffset(timer.FireAt, TimeSpan.Zero),
        }), cancellationToken);

    /// <summary>Removes the timers and activity work items an execution left unfinished.</summary>
    public async Task DeletePendingWorkAsync(string instanceId, string executionId, IReadOnlyList<HistoryEvent> history, CancellationToken cancellationToken)
    {
        var fired = history.OfType<TimerFired>().Select(t => t.TimerId).ToHashSet();
        foreach (var timer in history.OfType<TimerCreated>().Where(t => !fired.Contains(t.EventId)))
        {
            await TryDeleteAsync(Timers, WorkPartition, TimerRow(timer.FireAt, instanceId, executionId, timer.EventId), cancellationToken);
        }

        var answered = history.Select(AnsweredTask).ToHashSet();
        foreach (var task in history.OfType<TaskScheduled>().Where(t => !answered.Contains(t.EventId)))
        {
            await TryDeleteAsync(Tasks, WorkPartition, TaskRow(instanceId, executionId, task.EventId), cancellationToken);
        }
    }

    /// <summary>The activity <paramref name="e"/> answers, or -1.</summary>
    public static int AnsweredTask(HistoryEvent e) => e switch
    {
        TaskCompleted c => c.TaskScheduledId,
        TaskFailed f => f.TaskScheduledId,
        _ => -1,
    };
}
