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

            lock (_running)
            {
                _running.Add(row.RowKey);
            }

            started++;
            _ = Task.Run(() => StepAsync(claimed, stoppingToken), CancellationToken.None);
        }

        return started > 0;
    }

    private async Task StepAsync(TableRow claimed, CancellationToken stoppingToken)
    {
        var instanceId = claimed.RowKey;
        IReadOnlyList<TableRow> localTasks = [];
        try
        {
            var count = claimed.Get<int>("DequeueCount");
            if (count > _options.MaxDequeueCount)
            {
                await PoisonInstanceAsync(instanceId, count, stoppingToken);
                await hub.ReleaseReadyAsync(claimed, more: false, stoppingToken);
                return;
            }

            // Activities this step schedules are leased to this worker, as many as it has free slots for, and run here.
            var reserved = ReserveActivitySlots(_options.MaxConcurrentActivities);
            StepResult step;
            try
            {
                step = await orchestrations.ProcessAsync(instanceId, stoppingToken, _options.WorkerId, reserved);
            }
            finally
            {
                Interlocked.Add(ref _activitiesRunning, -reserved);
            }

            Interlocked.Add(ref _activitiesRunning, step.LocalTasks.Count);
            localTasks = step.LocalTasks;
            faults.At(FaultPoint.BeforeRelease, instanceId);
            await hub.ReleaseReadyAsync(claimed, step.More, stoppingToken);
            signal.PulseActivities();
            if (step.More)
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

            // Started only now that the instance is released here, so that their answers can claim it straight away.
            foreach (var task in localTasks)
            {
                _ = Task.Run(() => ActivityAsync(task, stoppingToken), CancellationToken.None);
            }

            signal.PulseOrchestrations();
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
            }
            else
            {
                // The answer's instance is claimed for this worker when it can take it, so its next step runs here at once.
                var instanceId = claimed.GetString("InstanceId")!;
                var claimFor = ReserveInstance(instanceId, out var busyHere) ? _options.WorkerId : null;
                TableRow? ready = null;
                try
                {
                    ready = await activities.ProcessAsync(claimed, stoppingToken, claimFor, busyHere);
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
                    _ = Task.Run(() => StepAsync(ready, stoppingToken), CancellationToken.None);
                }
            }
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
            Interlocked.Decrement(ref _activitiesRunning);
            signal.PulseActivities();
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
