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
    ILoggerFactory loggers)
{
    /// <summary>Messages consumed per step, so that the commit batch stays within 100 operations.</summary>
    public const int MaxMessagesPerStep = 90;

    private readonly ILogger _logger = loggers.CreateLogger("Pipeline.Durable.Orchestrations");

    /// <summary>
    /// Processes pending messages. Up to <paramref name="localTasks"/> of the activities it schedules are leased
    /// to <paramref name="workerId"/> and returned, to be run here without a poll; the rest wait for any worker.
    /// </summary>
    public async Task<StepResult> ProcessAsync(string instanceId, CancellationToken cancellationToken, string? workerId = null, int localTasks = 0)
    {
        var snapshot = await hub.LoadAsync(instanceId, cancellationToken);
        if (snapshot.Status is not { } status)
        {
            // A purged or never-created instance: its messages go nowhere.
            await hub.DeleteRowsAsync(instanceId, snapshot.Inbox.Select(m => TaskHubStore.MessageRow(m.Id)), cancellationToken);
            return StepResult.Idle;
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

        if (take.Count == 0)
        {
            await hub.DeleteRowsAsync(instanceId, drop.Select(m => TaskHubStore.MessageRow(m.Id)), cancellationToken);
            return StepResult.Idle;
        }

        var now = hub.Now;
        var result = Execute(status, snapshot.History, take, now.UtcDateTime);

        faults.At(FaultPoint.BeforeSend, instanceId);
        var answered = snapshot.Inbox.Select(m => m.Id).ToHashSet(StringComparer.Ordinal);
        var leased = await SendAsync(status, result, answered, workerId, localTasks, cancellationToken);
        faults.At(FaultPoint.AfterSend, instanceId);

        var completion = result.Completion;
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

        var batch = new TableBatch();
        batch.Insert(await hub.ChunkRowAsync(instanceId, status.ExecutionId, status.NextChunk, result.NewEvents, cancellationToken));
        if (completion is { ContinuedAsNew: true })
        {
            // The new execution starts from a fresh history, with the events nobody awaited carried over.
            var execution = DeterministicId(status.ExecutionId, status.NextChunk);
            next = next with { ExecutionId = execution, NextChunk = 0, Input = completion.Result, Output = null, CompletedAt = null };
            var start = new ExecutionStarted(status.Name, execution, completion.Result, status.Parent) { Timestamp = now.UtcDateTime };
            var startMessage = new InboxMessage(TaskHubStore.StartMessageId(execution), execution, hub.NextSeq(), start);
            var carried = result.CarryOver.Select((e, i) => new InboxMessage($"carry-{execution}-{i}", execution, hub.NextSeq(), e)).ToList();
            foreach (var message in carried.Prepend(startMessage))
            {
                batch.Insert(await hub.MessageRowAsync(instanceId, message, cancellationToken));
            }
        }

        batch.Replace(await hub.StatusRowAsync(next, snapshot.StatusRow, cancellationToken), status.ETag!);
        foreach (var message in take.Concat(drop).Where(m => !result.Waiting.Contains(m.Id)))
        {
            batch.Delete(instanceId, TaskHubStore.MessageRow(message.Id));
        }

        faults.At(FaultPoint.BeforeCommit, instanceId);
        await hub.Tables.ExecuteBatchAsync(hub.Instances, batch, cancellationToken);
        faults.At(FaultPoint.AfterCommit, instanceId);
        Log.StepCommitted(_logger, instanceId, take.Count, result.NewEvents.Count, next.Status);

        if (completion is not null)
        {
            await CleanUpAsync(instanceId, snapshot, result, cancellationToken);
            if (!completion.ContinuedAsNew)
            {
                Log.InstanceFinished(_logger, instanceId, status.Name, completion.Status);
            }
        }

        return new StepResult(snapshot.Inbox.Count > take.Count + drop.Count || completion?.ContinuedAsNew == true, leased);
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

    /// <summary>Writes the step's outbound work: activities, timers, children, and the parent's answer.</summary>
    /// <remarks>
    /// Work whose answer already waits in the inbox was sent by an earlier run of this step that crashed
    /// before its commit; it is not sent again, so the activity does not run twice.
    /// </remarks>
    private async Task<List<Storage.TableRow>> SendAsync(InstanceStatus status, ExecutionResult result, HashSet<string> answered, string? workerId, int localTasks, CancellationToken cancellationToken)
    {
        var id = status.InstanceId;
        var execution = status.ExecutionId;
        var sends = result.NewEvents
            .Where(e => e switch
            {
                TaskScheduled task => !answered.Contains($"a-{execution}-{task.EventId}"),
                TimerCreated timer => !answered.Contains($"t-{execution}-{timer.EventId}"),
                SubOrchestrationCreated => true,
                _ => false,
            })
            .Select((e, i) => (Event: e, Index: i))
            .ToList();
        var mine = new Storage.TableRow?[sends.Count];

        // Sends are independent of one another, so a fan-out writes them in parallel.
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (send, ct) =>
        {
            switch (send.Event)
            {
                case TaskScheduled task:
                    mine[send.Index] = await hub.AddTaskAsync(id, execution, task, ct, send.Index < localTasks ? workerId : null);
                    break;
                case TimerCreated timer:
                    await hub.AddTimerAsync(id, execution, timer, ct);
                    break;
                case SubOrchestrationCreated child:
                    await StartChildAsync(status, child, ct);
                    break;
            }
        });
        var leased = mine.OfType<Storage.TableRow>().ToList();

        if (result.Completion is { ContinuedAsNew: false } done && status.Parent is { } parent)
        {
            HistoryEvent answer = done.Status == OrchestrationRuntimeStatus.Completed
                ? new SubOrchestrationCompleted(parent.TaskId, done.Result)
                : new SubOrchestrationFailed(parent.TaskId, done.Failure ?? new TaskFailureDetails("Terminated", $"Sub-orchestration '{id}' was terminated.", null));
            await hub.SendAsync(parent.InstanceId, $"s-{parent.ExecutionId}-{parent.TaskId}", parent.ExecutionId, answer with { Timestamp = done.Timestamp }, cancellationToken);
        }

        return leased;
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
    private async Task CleanUpAsync(string instanceId, InstanceSnapshot snapshot, ExecutionResult result, CancellationToken cancellationToken)
    {
        var all = snapshot.History.Concat(result.NewEvents).ToList();
        var execution = snapshot.Status!.ExecutionId;
        await hub.DeletePendingWorkAsync(instanceId, execution, all, cancellationToken);
        await hub.DeleteRowsAsync(instanceId, snapshot.StaleRows, cancellationToken);
    }

    /// <summary>An id that a repeated step derives again, so a crash cannot make two.</summary>
    internal static string DeterministicId(string seed, int index) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{seed}/{index}")))[..32].ToLowerInvariant();
}
