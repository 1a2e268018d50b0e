using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Google.Protobuf.WellKnownTypes;
using P = Microsoft.DurableTask.Protobuf;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// DurableTask.Core's history events to the protobuf ones the worker replays, and the worker's protobuf actions back to
/// DurableTask.Core's, as Durable Functions' host does for out-of-process workers (azure-functions-durable-extension
/// ProtobufUtils.ToHistoryEventProto and ToOrchestratorAction; the worker's side: durabletask-dotnet src/Shared/Grpc/ProtoUtils.cs).
/// Protobuf strings are never null; every event carries its id and UTC time.
/// </summary>
internal static class ProtoMapping
{
    public static P.HistoryEvent ToProto(HistoryEvent e)
    {
        var proto = new P.HistoryEvent { EventId = e.EventId, Timestamp = Time(e.Timestamp) };
        switch (e)
        {
            case ExecutionStartedEvent started:
                proto.ExecutionStarted = new P.ExecutionStartedEvent
                {
                    Name = started.Name ?? string.Empty,
                    Version = started.Version,
                    Input = started.Input,
                    OrchestrationInstance = Instance(started.OrchestrationInstance),
                    ScheduledStartTimestamp = started.ScheduledStartTime is { } at ? Time(at) : null,
                };
                if (started.Tags is { } tags)
                {
                    proto.ExecutionStarted.Tags.Add(tags);
                }

                break;
            case ContinueAsNewEvent continued:
                proto.ContinueAsNew = new P.ContinueAsNewEvent { Input = continued.Result };
                break;
            case ExecutionCompletedEvent completed:
                proto.ExecutionCompleted = new P.ExecutionCompletedEvent
                {
                    OrchestrationStatus = (P.OrchestrationStatus)completed.OrchestrationStatus,
                    Result = completed.Result,
                    FailureDetails = Failure(completed.FailureDetails),
                };
                break;
            case ExecutionTerminatedEvent terminated:
                proto.ExecutionTerminated = new P.ExecutionTerminatedEvent { Input = terminated.Input };
                break;
            case TaskScheduledEvent scheduled:
                proto.TaskScheduled = new P.TaskScheduledEvent { Name = scheduled.Name ?? string.Empty, Version = scheduled.Version, Input = scheduled.Input };
                break;
            case TaskCompletedEvent done:
                proto.TaskCompleted = new P.TaskCompletedEvent { TaskScheduledId = done.TaskScheduledId, Result = done.Result };
                break;
            case TaskFailedEvent failed:
                proto.TaskFailed = new P.TaskFailedEvent
                {
                    TaskScheduledId = failed.TaskScheduledId,
                    FailureDetails = Failure(failed.FailureDetails) ?? new P.TaskFailureDetails { ErrorType = "Exception", ErrorMessage = failed.Reason ?? string.Empty, StackTrace = failed.Details },
                };
                break;
            case TimerCreatedEvent timer:
                proto.TimerCreated = new P.TimerCreatedEvent { FireAt = Time(timer.FireAt) };
                break;
            case TimerFiredEvent fired:
                proto.TimerFired = new P.TimerFiredEvent { TimerId = fired.TimerId, FireAt = Time(fired.FireAt) };
                break;
            case OrchestratorStartedEvent:
                proto.OrchestratorStarted = new P.OrchestratorStartedEvent();
                break;
            case OrchestratorCompletedEvent:
                proto.OrchestratorCompleted = new P.OrchestratorCompletedEvent();
                break;
            case EventRaisedEvent raised:
                proto.EventRaised = new P.EventRaisedEvent { Name = raised.Name ?? string.Empty, Input = raised.Input };
                break;
            case EventSentEvent sent:
                proto.EventSent = new P.EventSentEvent { InstanceId = sent.InstanceId ?? string.Empty, Name = sent.Name ?? string.Empty, Input = sent.Input };
                break;
            case GenericEvent generic:
                proto.GenericEvent = new P.GenericEvent { Data = generic.Data };
                break;
            case ExecutionSuspendedEvent suspended:
                proto.ExecutionSuspended = new P.ExecutionSuspendedEvent { Input = suspended.Reason };
                break;
            case ExecutionResumedEvent resumed:
                proto.ExecutionResumed = new P.ExecutionResumedEvent { Input = resumed.Reason };
                break;
            default:
                throw new NotSupportedException($"History event {e.EventType} is not in the out-of-process protocol.");
        }

        return proto;
    }

    public static OrchestratorAction ToCore(P.OrchestratorAction action) => action.OrchestratorActionTypeCase switch
    {
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask => new ScheduleTaskOrchestratorAction
        {
            Id = action.Id,
            Name = action.ScheduleTask.Name,
            Version = action.ScheduleTask.Version,
            Input = action.ScheduleTask.Input,
        },
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer => new CreateTimerOrchestratorAction
        {
            Id = action.Id,
            FireAt = action.CreateTimer.FireAt.ToDateTime(),
        },
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent => new SendEventOrchestratorAction
        {
            Id = action.Id,
            Instance = new OrchestrationInstance { InstanceId = action.SendEvent.Instance.InstanceId, ExecutionId = action.SendEvent.Instance.ExecutionId },
            EventName = action.SendEvent.Name,
            EventData = action.SendEvent.Data,
        },
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration => new CreateSubOrchestrationAction
        {
            Id = action.Id,
            Name = action.CreateSubOrchestration.Name,
            Version = action.CreateSubOrchestration.Version,
            InstanceId = action.CreateSubOrchestration.InstanceId,
            Input = action.CreateSubOrchestration.Input,
        },
        P.OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration => Complete(action),
        _ => throw new NotSupportedException($"Orchestrator action {action.OrchestratorActionTypeCase} is not supported by the local host."),
    };

    private static OrchestrationCompleteOrchestratorAction Complete(P.OrchestratorAction action)
    {
        var complete = action.CompleteOrchestration;
        var core = new OrchestrationCompleteOrchestratorAction
        {
            Id = action.Id,
            OrchestrationStatus = (OrchestrationStatus)complete.OrchestrationStatus,
            Result = complete.Result,
            Details = complete.Details,
            NewVersion = complete.NewVersion,
            FailureDetails = complete.FailureDetails is { } f ? ToCore(f) : null,
        };
        foreach (var carried in complete.CarryoverEvents.Where(e => e.EventRaised is not null))
        {
            core.CarryoverEvents.Add(new EventRaisedEvent(carried.EventId, carried.EventRaised.Input) { Name = carried.EventRaised.Name });
        }

        return core;
    }

    public static FailureDetails ToCore(P.TaskFailureDetails failure) =>
        new(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, failure.InnerFailure is { } inner ? ToCore(inner) : null, failure.IsNonRetriable);

    public static P.TaskFailureDetails? Failure(FailureDetails? failure) => failure is null ? null : new P.TaskFailureDetails
    {
        ErrorType = failure.ErrorType ?? string.Empty,
        ErrorMessage = failure.ErrorMessage ?? string.Empty,
        StackTrace = failure.StackTrace,
        InnerFailure = Failure(failure.InnerFailure),
        IsNonRetriable = failure.IsNonRetriable,
    };

    public static P.OrchestrationInstance Instance(OrchestrationInstance? instance) =>
        new() { InstanceId = instance?.InstanceId ?? string.Empty, ExecutionId = instance?.ExecutionId };

    public static Timestamp Time(DateTime time) => Timestamp.FromDateTime(time.Kind == DateTimeKind.Utc ? time : DateTime.SpecifyKind(time, DateTimeKind.Utc));
}
