using Microsoft.Extensions.Logging;
using Pipeline.Durable.Stores;
using Pipeline.Storage;

namespace Pipeline.Durable.Worker;

/// <summary>
/// Runs one step of one instance: load, replay, send, commit. Outbound work is written first, with ids
/// that a replay reproduces, then the history commits in one ETag-guarded batch with the status and the
/// removal of the consumed messages. A crash anywhere repeats the step; receivers drop duplicates by id.
/// </summary>
internal sealed class OrchestrationProcessor(
    TaskHubStore hub,
    DurableTaskRegistry registry,
    IServiceProvider services,
    IFaultInjector faults,
    WorkSignal signal,
    ILoggerFactory loggers)
{
    /// <summary>Messages consumed per step, so that the commit batch stays within 100 operations.</summary>
    public const int MaxMessagesPerStep = 90;

    private readonly ILogger _logger = loggers.CreateLogger("Pipeline.Durable.Orchestrations");

    /// <summary>
    /// Processes pending messages and the answers of <see cref="StepInput.LocalAnswers"/>. As many of the
    /// activities it schedules as <see cref="StepInput.ReserveLocal"/> grants are marked local and returned, for
    /// this worker to run within its session; the rest go to the work table for any worker.
    /// </summary>
    public async Task<StepResult> ProcessAsync(string instanceId, StepInput input, CancellationToken cancellationToken)
    {
        var snapshot = input.Cached ?? await hub.LoadAsync(instanceId, cancellationToken);
        if (snapshot.Status is not { } status)
        {
            // A purged or never-created instance: its messages go nowhere.
            await hub.DeleteRowsAsync(instanceId, snapshot.Inbox.Select(m => TaskHubStore.MessageRow(m.Id)), cancellationToken);
            return StepResult.Idle;
        }

        if (input.Recover && !status.Status.IsTerminal())
        {
            await RedispatchLocalTasksAsync(snapshot, cancellationToken);
        }

        var seen = snapshot.History.Select(e => e.MessageId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var take = new List<InboxMessage>();
        var drop = new List<InboxMessage>();
        foreach (var message in snapshot.Inbox)
        {
            var stale = status.Status.IsTerminal()
                || (message.ExecutionId is not null && message.ExecutionId != status.ExecutionId)
                || seen.Contains(message.Id);
            if (stale)
            {
                drop.Add(message);
            }
            else if (take.Count + drop.Count < MaxMessagesPerStep)
            {
                take.Add(message);
            }
        }

        var more = snapshot.Inbox.Count > take.Count + drop.Count;
        var stored = take.Concat(drop).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        take.AddRange(input.LocalAnswers.Where(m => !status.Status.IsTerminal() && m.ExecutionId == status.ExecutionId && !seen.Contains(m.Id)));
        if (take.Count == 0)
        {
            await hub.DeleteRowsAsync(instanceId, drop.Select(m => TaskHubStore.MessageRow(m.Id)), cancellationToken);
            return new StepResult(more, [], status.ExecutionId, drop.Count == 0 ? input.Cached : null);
        }

        var now = hub.Now;
        var result = Execute(status, snapshot.History, take, now.UtcDateTime);

        faults.At(FaultPoint.BeforeSend, instanceId);
        var answered = snapshot.Inbox.Concat(input.LocalAnswers).Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var (events, local, sent) = await SendAsync(status, result, answered, result.Completion is null ? input.ReserveLocal : null, cancellationToken);
        faults.At(FaultPoint.AfterSend, instanceId);

        var completion = result.Completion;
        var uncommitted = new List<HistoryEvent>(snapshot.Uncommitted);
        uncommitted.AddRange(events);
        var consumed = new List<string>(snapshot.Consumed);
        consumed.AddRange(take.Concat(drop).Where(m => stored.Contains(m.Id) && !result.Waiting.Contains(m.Id)).Select(m => m.Id));
        var inserts = take.Where(m => !stored.Contains(m.Id) && result.Waiting.Contains(m.Id)).ToList();
        if (completion is null && local.Count > 0 && sent == 0 && inserts.Count == 0)
        {
            // Nothing went out and this worker runs what the step scheduled: the events wait for the session's next
            // commit. A crash before it repeats the steps from the last commit, and runs their activities again.
            var deferred = snapshot with
            {
                Status = status with { CustomStatus = result.CustomStatus },
                History = [.. snapshot.History, .. events],
                Inbox = [],
                StaleRows = [],
                Uncommitted = uncommitted,
                Consumed = consumed,
            };
            return new StepResult(more, local, status.ExecutionId, deferred);
        }

        var next = status with
        {
            Status = completion is null or { ContinuedAsNew: true } ? OrchestrationRuntimeStatus.Running : completion.Status,
            LastUpdatedAt = now,
            NextChunk = status.NextChunk + 1,
            CustomStatus = result.CustomStatus,
            Input = null,
            Output = completion is { ContinuedAsNew: false, Status: OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Terminated } ? completion.Result : null,
            Failure = completion?.Failure,
            CompletedAt = completion is { ContinuedAsNew: false } ? now : null,
        };

        if (completion is { ContinuedAsNew: true })
        {
            // The new execution starts from a fresh history, with the events nobody awaited carried over.
            var execution = DeterministicId(status.ExecutionId, status.NextChunk);
            next = next with { ExecutionId = execution, NextChunk = 0, Input = completion.Result, Output = null, CompletedAt = null };
            var start = new ExecutionStarted(status.Name, execution, completion.Result, status.Parent) { Timestamp = now.UtcDateTime };
            inserts.Add(new InboxMessage(TaskHubStore.StartMessageId(execution), execution, hub.NextSeq(), start));
            inserts.AddRange(result.CarryOver.Select((e, i) => new InboxMessage($"carry-{execution}-{i}", execution, hub.NextSeq(), e)));
        }

        var after = await CommitAsync(snapshot with { History = [.. snapshot.History, .. events], Uncommitted = uncommitted, Consumed = consumed }, next, inserts, cancellationToken);
        Log.StepCommitted(_logger, instanceId, take.Count, uncommitted.Count, next.Status);
        if (completion is not null)
        {
            await CleanUpAsync(instanceId, snapshot, events, cancellationToken);
            if (!completion.ContinuedAsNew)
            {
                Log.InstanceFinished(_logger, instanceId, status.Name, completion.Status);
            }

            return new StepResult(more || completion.ContinuedAsNew, [], status.ExecutionId, null);
        }

        return new StepResult(more, local, status.ExecutionId, after);
    }

    /// <summary>Commits the events a session's steps deferred; the instance as committed is returned.</summary>
    public Task<InstanceSnapshot> FlushAsync(InstanceSnapshot snapshot, CancellationToken cancellationToken) =>
        snapshot.Uncommitted.Count == 0
            ? Task.FromResult(snapshot)
            : CommitAsync(snapshot, snapshot.Status! with { LastUpdatedAt = hub.Now, NextChunk = snapshot.Status!.NextChunk + 1 }, [], cancellationToken);

    /// <summary>
    /// One ETag-guarded batch: a history chunk with the uncommitted events, the status, the removal of the consumed
    /// messages, and <paramref name="inserts"/> into the inbox.
    /// </summary>
    private async Task<InstanceSnapshot> CommitAsync(InstanceSnapshot snapshot, InstanceStatus next, List<InboxMessage> inserts, CancellationToken cancellationToken)
    {
        var status = snapshot.Status!;
        var instanceId = status.InstanceId;
        var batch = new TableBatch();
        batch.Insert(await hub.ChunkRowAsync(instanceId, status.ExecutionId, status.NextChunk, snapshot.Uncommitted, cancellationToken));
        foreach (var message in inserts)
        {
            batch.Insert(await hub.MessageRowAsync(instanceId, message, cancellationToken));
        }

        var statusIndex = batch.Operations.Count;
        var statusRow = await hub.StatusRowAsync(next, snapshot.StatusRow, cancellationToken);
        batch.Replace(statusRow, status.ETag!);
        foreach (var id in snapshot.Consumed)
        {
            batch.Delete(instanceId, TaskHubStore.MessageRow(id));
        }

        faults.At(FaultPoint.BeforeCommit, instanceId);
        var etags = await hub.Tables.ExecuteBatchAsync(hub.Instances, batch, cancellationToken);
        faults.At(FaultPoint.AfterCommit, instanceId);
        var etag = etags[statusIndex];
        return new InstanceSnapshot(next with { ETag = etag }, statusRow with { ETag = etag }, snapshot.History, [], []);
    }

    /// <summary>
    /// The worker that held the instance lost it (crashed, or its lease lapsed) while running activities of its
    /// session: those without an answer go to the work table, counted as claimed once.
    /// </summary>
    private async Task RedispatchLocalTasksAsync(InstanceSnapshot snapshot, CancellationToken cancellationToken)
    {
        var status = snapshot.Status!;
        var answered = snapshot.History.Select(TaskHubStore.AnsweredTask)
            .Concat(snapshot.Inbox.Where(m => m.ExecutionId == status.ExecutionId).Select(m => TaskHubStore.AnsweredTask(m.Event)))
            .ToHashSet();
        foreach (var task in snapshot.History.OfType<TaskScheduled>().Where(t => t.Local && !answered.Contains(t.EventId)))
        {
            await hub.AddTaskAsync(status.InstanceId, status.ExecutionId, task, cancellationToken, dequeueCount: 1);
        }
    }

    private ExecutionResult Execute(InstanceStatus status, IReadOnlyList<HistoryEvent> history, List<InboxMessage> take, DateTime now)
    {
        // The start goes first: an answer can only follow it, but arrival order across processes is only as good as their clocks.
        var incoming = take.OrderBy(m => m.Event is ExecutionStarted ? 0 : 1).Select(m => m.Event with { MessageId = m.Id }).ToList();
        var orchestrator = registry.CreateOrchestrator(services, status.Name);
        if (orchestrator is null)
        {
            var failure = new TaskFailureDetails("OrchestratorNotFound", $"No orchestrator named '{status.Name}' is registered in this worker.", null);
            var failed = new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, failure) { Timestamp = now };
            return new ExecutionResult([new OrchestratorStarted { Timestamp = now }, .. incoming, failed], status.CustomStatus, failed, [], []);
        }

        return new ReplayContext(status.InstanceId, orchestrator, loggers, status.CustomStatus).Execute(history, incoming, now);
    }

    /// <summary>
    /// Writes the step's outbound work: activities, timers, children, and the parent's answer. Returns the step's
    /// events, with as many new activities marked local as <paramref name="reserveLocal"/> grants, those, and the
    /// number of sends.
    /// </summary>
    /// <remarks>
    /// Work whose answer already waits in the inbox was sent by an earlier run of this step that crashed
    /// before its commit; it is not sent again, so the activity does not run twice.
    /// </remarks>
    private async Task<(List<HistoryEvent> Events, List<TaskScheduled> Local, int Sent)> SendAsync(InstanceStatus status, ExecutionResult result, HashSet<string> answered, Func<int, int>? reserveLocal, CancellationToken cancellationToken)
    {
        var id = status.InstanceId;
        var execution = status.ExecutionId;
        var events = new List<HistoryEvent>(result.NewEvents.Count);
        var local = new List<TaskScheduled>();
        var sends = new List<HistoryEvent>();
        var localSlots = reserveLocal?.Invoke(result.NewEvents.Count(e => e is TaskScheduled task && !answered.Contains(ActivityProcessor.AnswerId(execution, task.EventId)))) ?? 0;
        foreach (var e in result.NewEvents)
        {
            switch (e)
            {
                case TaskScheduled task when !answered.Contains(ActivityProcessor.AnswerId(execution, task.EventId)):
                    if (local.Count < localSlots)
                    {
                        local.Add(task with { Local = true });
                        events.Add(local[^1]);
                        continue;
                    }

                    sends.Add(task);
                    break;
                case TimerCreated timer when !answered.Contains($"t-{execution}-{timer.EventId}"):
                case SubOrchestrationCreated:
                    sends.Add(e);
                    break;
            }

            events.Add(e);
        }

        // Work items go in batches; the rest are independent of one another, so a fan-out writes them in parallel.
        await hub.AddTasksAsync(id, execution, sends.OfType<TaskScheduled>().ToList(), cancellationToken);
        await Parallel.ForEachAsync(sends.Where(e => e is not TaskScheduled), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (send, ct) =>
        {
            switch (send)
            {
                case TimerCreated timer:
                    await hub.AddTimerAsync(id, execution, timer, ct);
                    break;
                case SubOrchestrationCreated child:
                    await StartChildAsync(status, child, ct);
                    break;
            }
        });

        if (sends.Exists(e => e is TaskScheduled))
        {
            signal.PulseActivities();
        }

        if (result.Completion is { ContinuedAsNew: false } done && status.Parent is { } parent)
        {
            HistoryEvent answer = done.Status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationCompleted(parent.TaskId, done.Result)
                : new SubOrchestrationFailed(parent.TaskId, done.Failure ?? new TaskFailureDetails("Terminated", $"Sub-orchestration '{id}' was terminated.", null));
            await hub.SendAsync(parent.InstanceId, $"s-{parent.ExecutionId}-{parent.TaskId}", parent.ExecutionId, answer with { Timestamp = done.Timestamp }, cancellationToken);
        }

        return (events, local, sends.Count);
    }

    private async Task StartChildAsync(InstanceStatus parent, SubOrchestrationCreated child, CancellationToken cancellationToken)
    {
        var now = hub.Now;
        var status = new InstanceStatus(child.InstanceId, child.Name, DeterministicId(parent.ExecutionId, child.EventId), OrchestrationRuntimeStatus.Pending, now, now, 0)
        {
            Parent = new ParentInstance(parent.InstanceId, parent.ExecutionId, child.EventId),
        };
        try
        {
            await hub.CreateAsync(status, child.Input, null, cancellationToken);
        }
        catch (ConflictException)
        {
            // Created by an earlier run of this same step.
        }

        await hub.SignalAsync(child.InstanceId, cancellationToken);
    }

    /// <summary>After an execution ends: its pending timers and work items, and older executions' rows, go.</summary>
    private async Task CleanUpAsync(string instanceId, InstanceSnapshot snapshot, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        var all = snapshot.History.Concat(events).ToList();
        var execution = snapshot.Status!.ExecutionId;
        await hub.DeletePendingWorkAsync(instanceId, execution, all, cancellationToken);
        await hub.DeleteRowsAsync(instanceId, snapshot.StaleRows, cancellationToken);
    }

    /// <summary>An id that a repeated step derives again, so a crash cannot make two.</summary>
    internal static string DeterministicId(string seed, int index) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}/{index}")))[..32].ToLowerInvariant();
}
