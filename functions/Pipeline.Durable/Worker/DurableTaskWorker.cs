using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>
/// The worker: three polling loops over the hub's tables. Orchestration steps and activities are claimed
/// by ETag-guarded leases, so that any number of workers share a hub and no instance is processed by two
/// at once; due timers are moved into their instance's inbox. A step that throws keeps its lease until it
/// runs out, which is what a crash would do, so crashes and errors take one path.
/// </summary>
internal sealed class DurableTaskWorker(
    TaskHubStore hub,
    OrchestrationProcessor orchestrations,
    ActivityProcessor activities,
    WorkSignal signal,
    IFaultInjector faults,
    IOptions<DurableTaskOptions> options,
    ILogger<DurableTaskWorker> logger) : BackgroundService
{
    private readonly DurableTaskOptions _options = options.Value;
    private readonly HashSet<string> _running = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Log.WorkerStarted(logger, _options.WorkerId, _options.HubName);
        await Task.WhenAll(
            LoopAsync("orchestrations", OrchestrationsAsync, signal.WaitOrchestrationsAsync, stoppingToken),
            LoopAsync("repair", async ct => await hub.RepairReadyRowsAsync(ct) > 0, (t, c) => Task.Delay(TimeSpan.FromSeconds(2), c), stoppingToken),
            LoopAsync("activities", ActivitiesAsync, signal.WaitActivitiesAsync, stoppingToken),
            LoopAsync("timers", TimersAsync, (t, c) => Task.Delay(t, c), stoppingToken));
    }

    private async Task LoopAsync(string name, Func<CancellationToken, Task<bool>> poll, Func<TimeSpan, CancellationToken, Task> wait, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await poll(stoppingToken))
                {
                    continue;
                }

                await wait(_options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.LoopFailed(logger, name, e);
                await Task.Delay(_options.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>Claims ready instances up to the free slots and runs a step for each; true when it found work.</summary>
    private async Task<bool> OrchestrationsAsync(CancellationToken stoppingToken)
    {
        int free;
        lock (_running)
        {
            free = _options.MaxConcurrentOrchestrations - _running.Count;
        }

        if (free <= 0)
        {
            return false;
        }

        var candidates = await hub.FindUnleasedAsync(hub.Ready, free * 2, stoppingToken);
        var started = 0;
        foreach (var row in candidates)
        {
            lock (_running)
            {
                if (_running.Count >= _options.MaxConcurrentOrchestrations || _running.Contains(row.RowKey))
                {
                    continue;
                }
            }

            if (await hub.TryClaimAsync(hub.Ready, row, _options.WorkerId, _options.LeaseDuration, stoppingToken) is not { } claimed)
            {
                continue;
            }

            // A lease left on a row nobody released: the worker that held the instance crashed or lost it.
            var recover = !string.IsNullOrEmpty(row.GetString("LeaseOwner"));

            lock (_running)
            {
                _running.Add(row.RowKey);
            }

            started++;
            _ = Task.Run(() => StepAsync(claimed, recover, stoppingToken), CancellationToken.None);
        }

        return started > 0;
    }

    /// <summary>
    /// A session on a claimed instance: a step, then, while <see cref="DurableTaskOptions.SessionTimeout"/> lasts,
    /// the activities it kept for this worker and the next step with their answers, from the instance as this
    /// worker left it. A step that sent nothing out defers its commit to the session's next one. The ready row
    /// stays leased throughout, so that no other worker takes the instance and, should this one die, the next one
    /// to claim it sees a lapsed lease (<paramref name="recover"/>) and puts the unanswered local activities into
    /// the work table.
    /// </summary>
    private async Task StepAsync(TableRow claimed, bool recover, CancellationToken stoppingToken)
    {
        var instanceId = claimed.RowKey;
        var running = new List<LocalActivity>();
        try
        {
            var count = claimed.Get<int>("DequeueCount");
            if (count > _options.MaxDequeueCount)
            {
                await PoisonInstanceAsync(instanceId, count, stoppingToken);
                await hub.ReleaseReadyAsync(claimed, more: false, stoppingToken);
                return;
            }

            var timeout = _options.EffectiveSessionTimeout;
            var ends = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            var reserved = 0;
            // After a worker died in its session, the activities go to the work table, where their claims are counted.
            Func<int, int> reserve = n => reserved = !recover && timeout > TimeSpan.Zero && Stopwatch.GetTimestamp() < ends ? ReserveActivitySlots(n) : 0;
            var input = StepInput.Fresh(reserve, recover);
            var more = false;
            while (true)
            {
                reserved = 0;
                StepResult step;
                try
                {
                    step = await orchestrations.ProcessAsync(instanceId, input, stoppingToken);
                }
                finally
                {
                    // Slots granted to a step that failed, or that it did not use, go back.
                    Interlocked.Add(ref _activitiesRunning, -reserved);
                }

                Interlocked.Add(ref _activitiesRunning, step.LocalTasks.Count);
                running.AddRange(step.LocalTasks.Select(task => Start(instanceId, step.ExecutionId!, task, stoppingToken)));
                more |= step.More;
                if (step.Next is null)
                {
                    // The execution ended (or nothing was to be done): answers still to come would be dropped anyway.
                    running.Clear();
                    break;
                }

                if (running.Count == 0 || await NextAnswersAsync(running, ends, stoppingToken) is not { Count: > 0 } answers)
                {
                    // Nothing runs here any more, or the time is up: what the session deferred is committed before
                    // its activities are handed off.
                    await orchestrations.FlushAsync(step.Next, stoppingToken);
                    break;
                }

                input = new StepInput(step.Next, answers, reserve, false);
            }

            await HandOffAsync(instanceId, running, stoppingToken);
            running.Clear();
            faults.At(FaultPoint.BeforeRelease, instanceId);
            await hub.ReleaseReadyAsync(claimed, more, stoppingToken);
            if (more)
            {
                signal.PulseOrchestrations();
            }
        }
        catch (PreconditionFailedException)
        {
            Log.StepLost(logger, instanceId);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.StepAbandoned(logger, instanceId, e);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            lock (_running)
            {
                _running.Remove(instanceId);
            }

            signal.PulseOrchestrations();
        }
    }

    /// <summary>An activity this worker runs within its session on the instance.</summary>
    private sealed record LocalActivity(string ExecutionId, TaskScheduled Task, Task<HistoryEvent> Outcome);

    private LocalActivity Start(string instanceId, string executionId, TaskScheduled task, CancellationToken stoppingToken) =>
        new(executionId, task, Task.Run(
            async () =>
            {
                try
                {
                    return await activities.RunAsync(task.Name, instanceId, task.EventId, task.Input, 1, stoppingToken);
                }
                finally
                {
                    FreeActivitySlot();
                }
            },
            CancellationToken.None));

    /// <summary>
    /// Waits until one of the session's activities answers or the session ends, then takes every answer there is.
    /// An activity that crashed ends the session the way a crash would: its lease is kept until it lapses.
    /// </summary>
    private static async Task<List<InboxMessage>> NextAnswersAsync(List<LocalActivity> running, long ends, CancellationToken stoppingToken)
    {
        var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), ends);
        if (left > TimeSpan.Zero && !running.Exists(r => r.Outcome.IsCompleted))
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(left);
            await Task.WhenAny(running.Select(r => r.Outcome)).WaitAsync(timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            stoppingToken.ThrowIfCancellationRequested();
        }

        var answers = new List<InboxMessage>();
        foreach (var done in running.Where(r => r.Outcome.IsCompleted).ToList())
        {
            var outcome = await done.Outcome;
            answers.Add(new InboxMessage(ActivityProcessor.AnswerId(done.ExecutionId, done.Task.EventId), done.ExecutionId, 0, outcome with { MessageId = null }));
            running.Remove(done);
        }

        return answers;
    }

    /// <summary>
    /// The session ends with activities still running: each gets a work item leased to this worker, written
    /// before the instance is released, and answers through the inbox like any other activity.
    /// </summary>
    private async Task HandOffAsync(string instanceId, List<LocalActivity> running, CancellationToken stoppingToken)
    {
        foreach (var local in running)
        {
            var row = await hub.AddTaskAsync(instanceId, local.ExecutionId, local.Task with { Local = false }, stoppingToken, claimFor: _options.WorkerId);
            _ = Task.Run(() => DeliverAsync(instanceId, local.ExecutionId, async ct =>
            {
                if (row is null)
                {
                    // Its work item was there already (written by a worker recovering the instance): answer without it.
                    return (null, await local.Outcome);
                }

                await using var lease = new LeaseKeeper(hub, hub.Tasks, row, _options.LeaseDuration);
                var outcome = await local.Outcome;
                return (lease.Current, outcome);
            }, stoppingToken), CancellationToken.None);
        }
    }

    /// <summary>An instance whose steps keep failing: set aside, and failed with the reason.</summary>
    private async Task PoisonInstanceAsync(string instanceId, int count, CancellationToken cancellationToken)
    {
        Log.Poisoned(logger, instanceId, instanceId, count);
        var reason = $"Orchestration steps of instance '{instanceId}' failed {count - 1} times in a row; the instance was set aside as poison.";
        await hub.PoisonAsync("orchestration", instanceId, instanceId, reason, cancellationToken);
        var snapshot = await hub.LoadAsync(instanceId, cancellationToken);
        if (snapshot.Status is not { } status || status.Status.IsTerminal())
        {
            return;
        }

        var now = hub.Now;
        var failure = new TaskFailureDetails("PoisonMessage", reason, null);
        var done = new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failure) { Timestamp = now.UtcDateTime };
        List<HistoryEvent> events = [new OrchestratorStarted { Timestamp = now.UtcDateTime }];
        if (snapshot.History.Count == 0 && snapshot.Inbox.FirstOrDefault(m => m.Event is ExecutionStarted) is { } start)
        {
            // The start never committed; the history still says what was started.
            events.Add(start.Event with { MessageId = start.Id });
        }

        events.Add(done);
        var next = status with { Status = OrchestrationRuntimeStatus.Failed, Failure = failure, LastUpdatedAt = now, CompletedAt = now, NextChunk = status.NextChunk + 1 };
        var batch = new TableBatch()
            .Insert(await hub.ChunkRowAsync(instanceId, status.ExecutionId, status.NextChunk, events, cancellationToken))
            .Replace(await hub.StatusRowAsync(next, snapshot.StatusRow, cancellationToken), status.ETag!);
        await hub.Tables.ExecuteBatchAsync(hub.Instances, batch, cancellationToken);
        await hub.DeletePendingWorkAsync(instanceId, status.ExecutionId, snapshot.History, cancellationToken);
    }

    private int _activitiesRunning;

    private int ReserveActivitySlots(int want)
    {
        while (true)
        {
            var running = Volatile.Read(ref _activitiesRunning);
            var got = Math.Min(want, _options.MaxConcurrentActivities - running);
            if (got <= 0)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref _activitiesRunning, running + got, running) == running)
            {
                return got;
            }
        }
    }

    /// <summary>Takes an orchestration slot for <paramref name="instanceId"/> unless full or already stepping here.</summary>
    private bool ReserveInstance(string instanceId, out bool busyHere)
    {
        lock (_running)
        {
            busyHere = _running.Contains(instanceId);
            return !busyHere && _running.Count < _options.MaxConcurrentOrchestrations && _running.Add(instanceId);
        }
    }

    /// <summary>Claims activity work items up to the free slots and runs them; true when it found work.</summary>
    private async Task<bool> ActivitiesAsync(CancellationToken stoppingToken)
    {
        var free = _options.MaxConcurrentActivities - Volatile.Read(ref _activitiesRunning);
        if (free <= 0)
        {
            Volatile.Write(ref _activitiesStarved, 1);
            return false;
        }

        var candidates = await hub.FindUnleasedAsync(hub.Tasks, free, stoppingToken);
        var started = 0;
        foreach (var row in candidates)
        {
            if (await hub.TryClaimAsync(hub.Tasks, row, _options.WorkerId, _options.LeaseDuration, stoppingToken) is not { } claimed)
            {
                continue;
            }

            Interlocked.Increment(ref _activitiesRunning);
            started++;
            _ = Task.Run(() => ActivityAsync(claimed, stoppingToken), CancellationToken.None);
        }

        return started > 0;
    }

    private async Task ActivityAsync(TableRow claimed, CancellationToken stoppingToken)
    {
        try
        {
            var count = claimed.Get<int>("DequeueCount");
            if (count > _options.MaxDequeueCount)
            {
                await activities.PoisonAsync(claimed, count, stoppingToken);
                return;
            }

            var instanceId = claimed.GetString("InstanceId")!;
            HistoryEvent outcome;
            await using (var lease = new LeaseKeeper(hub, hub.Tasks, claimed, _options.LeaseDuration))
            {
                var input = await hub.GetPayloadAsync(claimed, "Input", stoppingToken);
                outcome = await activities.RunAsync(claimed.GetString("Name")!, instanceId, claimed.Get<int>("TaskId"), input, count, stoppingToken);
                claimed = lease.Current;
            }

            await DeliverAsync(instanceId, claimed.GetString("ExecutionId")!, _ => Task.FromResult<(TableRow?, HistoryEvent)>((claimed, outcome)), stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.ActivityAbandoned(logger, claimed.GetString("Name") ?? "?", claimed.GetString("InstanceId") ?? "?", e);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            FreeActivitySlot();
        }
    }

    /// <summary>Set when the activity poll found no free slot: a slot freed then wakes it, and no other does.</summary>
    private int _activitiesStarved;

    private void FreeActivitySlot()
    {
        Interlocked.Decrement(ref _activitiesRunning);
        if (Interlocked.Exchange(ref _activitiesStarved, 0) == 1)
        {
            signal.PulseActivities();
        }
    }

    /// <summary>
    /// Delivers an activity's answer. The instance is claimed for this worker when it can take it, so that its next
    /// step runs here at once.
    /// </summary>
    private async Task DeliverAsync(string instanceId, string executionId, Func<CancellationToken, Task<(TableRow? WorkItem, HistoryEvent Outcome)>> answer, CancellationToken stoppingToken)
    {
        try
        {
            var (workItem, outcome) = await answer(stoppingToken);
            var claimFor = ReserveInstance(instanceId, out var busyHere) ? _options.WorkerId : null;
            TableRow? ready = null;
            try
            {
                ready = await activities.AnswerAsync(workItem, instanceId, executionId, outcome, stoppingToken, claimFor, busyHere);
            }
            finally
            {
                if (claimFor is not null && ready is null)
                {
                    lock (_running)
                    {
                        _running.Remove(instanceId);
                    }
                }
            }

            if (ready is not null)
            {
                _ = Task.Run(() => StepAsync(ready, recover: false, stoppingToken), CancellationToken.None);
            }
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            Log.ActivityAbandoned(logger, "answer", instanceId, e);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Moves due timers into their instances' inboxes; idempotent, so any number of workers may do it.</summary>
    private async Task<bool> TimersAsync(CancellationToken stoppingToken)
    {
        var due = (hub.Now.UtcTicks + 1).ToString("D19", CultureInfo.InvariantCulture);
        var query = TableQuery.InPartition(TaskHubStore.WorkPartition).Where("RowKey", TableComparison.LessThan, due) with { PageSize = 100 };
        var page = await hub.Tables.QueryAsync(hub.Timers, query, stoppingToken);
        foreach (var timer in page.Rows)
        {
            var instanceId = timer.GetString("InstanceId")!;
            var executionId = timer.GetString("ExecutionId")!;
            var timerId = timer.Get<int>("TimerId");
            var fireAt = timer.Get<DateTimeOffset>("FireAt").UtcDateTime;
            await hub.SendAsync(instanceId, $"t-{executionId}-{timerId}", executionId, new TimerFired(timerId, fireAt) { Timestamp = hub.Now.UtcDateTime }, stoppingToken);
            faults.At(FaultPoint.TimerBeforeDelete, instanceId);
            await hub.TryDeleteAsync(hub.Timers, TaskHubStore.WorkPartition, timer.RowKey, stoppingToken);
        }

        if (page.Rows.Count > 0)
        {
            signal.PulseOrchestrations();
        }

        return page.Rows.Count > 0;
    }
}
