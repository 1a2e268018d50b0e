using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.Durable.Worker;

/// <summary>
/// Replays an orchestrator's code against its history, then runs it on new events. Each scheduling call
/// takes the next task id; on replay it must meet a history event of the same kind and name at that id.
/// </summary>
internal sealed partial class ReplayContext : TaskOrchestrationContext
{
    private readonly ITaskOrchestrator _orchestrator;
    private readonly ILoggerFactory _loggers;
    private readonly ReplaySynchronizationContext _sync = new();
    private readonly SortedDictionary<int, HistoryEvent> _unsent = [];
    private readonly Dictionary<int, OpenTask> _open = [];
    private readonly List<HistoryEvent> _newEvents = [];
    private readonly List<HistoryEvent> _early = [];
    private readonly Dictionary<string, Queue<EventRaised>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LinkedList<TaskCompletionSource<string?>>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private Task<object?>? _run;
    private ExecutionStarted? _start;
    private DateTime _now;
    private int _nextTaskId;
    private int _guids;
    private bool _replaying = true;
    private string? _customStatus;
    private object? _continueAsNew;
    private bool _continued;
    private string? _terminated;
    private string? _poisoned;

    public ReplayContext(string instanceId, ITaskOrchestrator orchestrator, ILoggerFactory? loggers, string? customStatus)
    {
        InstanceId = instanceId;
        _orchestrator = orchestrator;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _customStatus = customStatus;
    }

    public override string InstanceId { get; }

    public override string Name => _start?.Name ?? string.Empty;

    public override DateTime CurrentUtcDateTime => _now;

    public override bool IsReplaying => _replaying;

    /// <summary>Replays <paramref name="past"/>, applies <paramref name="incoming"/> at <paramref name="now"/>, and says what came of it.</summary>
    public ExecutionResult Execute(IReadOnlyList<HistoryEvent> past, IReadOnlyList<HistoryEvent> incoming, DateTime now)
    {
        try
        {
            foreach (var e in past)
            {
                Apply(e);
            }

            _replaying = false;
            var started = new OrchestratorStarted { Timestamp = now };
            Apply(started);
            _newEvents.Add(started);
            // An answer can arrive before the step that schedules its task commits (that step crashed after sending):
            // it waits until the code schedules the task, later in this step or in a later one, and is never dropped.
            foreach (var e in incoming)
            {
                if (Completion() is not null)
                {
                    break;
                }

                if (AnswerTo(e) >= _nextTaskId)
                {
                    _early.Add(e);
                    continue;
                }

                if (Apply(e))
                {
                    _newEvents.Add(e);
                    ApplyEarlyAnswers();
                }
            }

            _newEvents.AddRange(_unsent.Values);
        }
        catch (NonDeterministicOrchestrationException e)
        {
            _newEvents.Clear();
            var failed = new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.From(e)) { Timestamp = now };
            return new ExecutionResult([new OrchestratorStarted { Timestamp = now }, failed], _customStatus, failed, [], []);
        }

        var completion = Completion();
        if (completion is not null)
        {
            _newEvents.Add(completion);
        }

        // Events raised but not awaited go on to the new execution: the buffered ones and those this step did not reach.
        var carryOver = completion?.ContinuedAsNew == true
            ? _buffered.Values.SelectMany(q => q).Concat(incoming.OfType<EventRaised>().Where(e => !_newEvents.Contains(e))).ToList()
            : [];
        var waiting = completion is null ? _early.Select(e => e.MessageId).OfType<string>().ToList() : [];
        return new ExecutionResult(_newEvents, _customStatus, completion, carryOver, waiting);
    }

    /// <summary>The task id an answer completes; null for other events.</summary>
    private static int? AnswerTo(HistoryEvent e) => e switch
    {
        TaskCompleted c => c.TaskScheduledId,
        TaskFailed f => f.TaskScheduledId,
        SubOrchestrationCompleted c => c.TaskScheduledId,
        SubOrchestrationFailed f => f.TaskScheduledId,
        TimerFired t => t.TimerId,
        _ => null,
    };

    /// <summary>Applies the early answers whose tasks the code has scheduled by now, until none is left to apply.</summary>
    private void ApplyEarlyAnswers()
    {
        while (Completion() is null && _early.FindIndex(e => AnswerTo(e) < _nextTaskId) is var i and >= 0)
        {
            var e = _early[i];
            _early.RemoveAt(i);
            if (Apply(e))
            {
                _newEvents.Add(e);
            }
        }
    }

    private ExecutionCompleted? Completion()
    {
        if (_terminated is not null)
        {
            return new ExecutionCompleted(OrchestrationRuntimeStatus.Terminated, DurableJson.Serialize(_terminated), null) { Timestamp = _now };
        }

        if (_poisoned is not null)
        {
            return new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails("PoisonMessage", _poisoned, null)) { Timestamp = _now };
        }

        if (_run is not { IsCompleted: true } run)
        {
            return null;
        }

        if (run.IsCompletedSuccessfully)
        {
            return _continued
                ? new ExecutionCompleted(OrchestrationRuntimeStatus.Completed, DurableJson.Serialize(_continueAsNew), null, ContinuedAsNew: true) { Timestamp = _now }
                : new ExecutionCompleted(OrchestrationRuntimeStatus.Completed, DurableJson.Serialize(run.Result), null) { Timestamp = _now };
        }

        var error = run.Exception?.InnerException ?? new TaskCanceledException("The orchestrator's task was cancelled.");
        return new ExecutionCompleted(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.From(error)) { Timestamp = _now };
    }

    /// <summary>Applies one event; false when it is a duplicate or arrives for nothing, and is dropped.</summary>
    private bool Apply(HistoryEvent e)
    {
        switch (e)
        {
            case OrchestratorStarted:
                _now = e.Timestamp;
                return true;
            case ExecutionStarted start:
                if (_start is not null)
                {
                    return false;
                }

                _start = start;
                _sync.Run(() => _run = _orchestrator.RunAsync(this, DurableJson.Deserialize(start.Input, _orchestrator.InputType)));
                return true;
            case TaskScheduled or TimerCreated or SubOrchestrationCreated:
                MatchReplayed(e);
                return true;
            case TaskCompleted c:
                return Complete(c.TaskScheduledId, t => t.Source.TrySetResult(c.Result));
            case TaskFailed f:
                return Complete(f.TaskScheduledId, t => t.Source.TrySetException(new TaskFailedException(t.Name, f.TaskScheduledId, f.Failure)));
            case SubOrchestrationCompleted c:
                return Complete(c.TaskScheduledId, t => t.Source.TrySetResult(c.Result));
            case SubOrchestrationFailed f:
                return Complete(f.TaskScheduledId, t => t.Source.TrySetException(new TaskFailedException(t.Name, f.TaskScheduledId, f.Failure)));
            case TimerFired fired:
                return Complete(fired.TimerId, t => t.Source.TrySetResult(null));
            case EventRaised raised:
                _sync.Run(() => Deliver(raised));
                return true;
            case ExecutionTerminated terminated:
                _terminated = terminated.Reason ?? "terminated";
                return true;
            case PoisonDetected poison:
                _poisoned = poison.Reason;
                return true;
            default:
                return false;
        }
    }

    private bool Complete(int taskId, Action<OpenTask> complete)
    {
        if (!_open.Remove(taskId, out var task))
        {
            return false;
        }

        _sync.Run(() => complete(task));
        return true;
    }

    private void MatchReplayed(HistoryEvent e)
    {
        var (id, kind, name) = Describe(e);
        if (!_unsent.Remove(id, out var scheduled))
        {
            throw new NonDeterministicOrchestrationException(
                $"Orchestration '{Name}' ({InstanceId}) is not deterministic: its history has {kind} '{name}' as task #{id}, but on replay the code did not schedule task #{id}.");
        }

        var (_, codeKind, codeName) = Describe(scheduled);
        if (codeKind != kind || !string.Equals(codeName, name, StringComparison.Ordinal))
        {
            throw new NonDeterministicOrchestrationException(
                $"Orchestration '{Name}' ({InstanceId}) is not deterministic: its history has {kind} '{name}' as task #{id}, but on replay the code called {codeKind} '{codeName}'.");
        }
    }

    private static (int Id, string Kind, string Name) Describe(HistoryEvent e) => e switch
    {
        TaskScheduled t => (t.EventId, "CallActivityAsync", t.Name),
        TimerCreated t => (t.EventId, "CreateTimer", "timer"),
        SubOrchestrationCreated s => (s.EventId, "CallSubOrchestratorAsync", s.Name),
        _ => throw new ArgumentOutOfRangeException(nameof(e), e.GetType().Name, null),
    };

    private void Deliver(EventRaised raised)
    {
        if (_waiters.TryGetValue(raised.Name, out var waiting) && waiting.First is { } first)
        {
            waiting.RemoveFirst();
            first.Value.TrySetResult(raised.Input);
            return;
        }

        if (!_buffered.TryGetValue(raised.Name, out var queue))
        {
            _buffered[raised.Name] = queue = new Queue<EventRaised>();
        }

        queue.Enqueue(raised);
    }

    private Task<string?> Schedule(HistoryEvent scheduled, int id, string name)
    {
        _unsent[id] = scheduled with { Timestamp = _now };
        var source = new TaskCompletionSource<string?>();
        _open[id] = new OpenTask(name, source);
        return source.Task;
    }

    private sealed record OpenTask(string Name, TaskCompletionSource<string?> Source);
}
