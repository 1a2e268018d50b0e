using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Google.Protobuf.WellKnownTypes;
using Pipeline.LocalHost.Durable;
using P = Microsoft.DurableTask.Protobuf;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The history events and actions the local host trades with the worker, event by event, as Durable Functions maps them
/// (azure-functions-durable-extension ProtobufUtils; the worker reads them with durabletask-dotnet ProtoUtils).
/// </summary>
public sealed class ProtoMappingTests
{
    private static readonly DateTime At = new(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);

    private static T Stamped<T>(T e)
        where T : HistoryEvent
    {
        e.Timestamp = At;
        return e;
    }

    [Fact]
    public void ToProto_ExecutionStarted_NameInputInstanceAndTime()
    {
        var started = Stamped(new ExecutionStartedEvent(-1, "{\"waveId\":\"w\"}") { Name = "WaveOrchestrator", Version = "", OrchestrationInstance = new OrchestrationInstance { InstanceId = "w", ExecutionId = "e1" } });

        var proto = ProtoMapping.ToProto(started);

        Assert.Equal(-1, proto.EventId);
        Assert.Equal(Timestamp.FromDateTime(At), proto.Timestamp);
        Assert.Equal("WaveOrchestrator", proto.ExecutionStarted.Name);
        Assert.Equal("{\"waveId\":\"w\"}", proto.ExecutionStarted.Input);
        Assert.Equal("w", proto.ExecutionStarted.OrchestrationInstance.InstanceId);
        Assert.Equal("e1", proto.ExecutionStarted.OrchestrationInstance.ExecutionId);
    }

    [Fact]
    public void ToProto_TaskScheduledCompletedFailed_KeepTheirIdsAndData()
    {
        var scheduled = ProtoMapping.ToProto(Stamped(new TaskScheduledEvent(3) { Name = "IssueLettersActivity", Input = "[{\"batch\":1}]" }));
        var completed = ProtoMapping.ToProto(Stamped(new TaskCompletedEvent(7, 3, "42")));
        var failed = ProtoMapping.ToProto(Stamped(new TaskFailedEvent(8, 3, "reason", "details", new FailureDetails("System.IO.IOException", "disk", "at x", null, false))));

        Assert.Equal((3, "IssueLettersActivity", "[{\"batch\":1}]"), (scheduled.EventId, scheduled.TaskScheduled.Name, scheduled.TaskScheduled.Input));
        Assert.Equal((3, "42"), (completed.TaskCompleted.TaskScheduledId, completed.TaskCompleted.Result));
        Assert.Equal(3, failed.TaskFailed.TaskScheduledId);
        Assert.Equal(("System.IO.IOException", "disk", "at x"), (failed.TaskFailed.FailureDetails.ErrorType, failed.TaskFailed.FailureDetails.ErrorMessage, failed.TaskFailed.FailureDetails.StackTrace));
    }

    [Fact]
    public void ToProto_TaskFailedWithoutDetails_ReasonBecomesTheMessage()
    {
        // The worker reads only the failure details of a failed task.
        var failed = ProtoMapping.ToProto(Stamped(new TaskFailedEvent(8, 3, "the activity failed", null)));

        Assert.Equal("the activity failed", failed.TaskFailed.FailureDetails.ErrorMessage);
    }

    [Fact]
    public void ToProto_TimersEventsAndEpisodeMarkers()
    {
        var fireAt = At.AddDays(21);

        Assert.Equal(Timestamp.FromDateTime(fireAt), ProtoMapping.ToProto(Stamped(new TimerCreatedEvent(4) { FireAt = fireAt })).TimerCreated.FireAt);
        var fired = ProtoMapping.ToProto(Stamped(new TimerFiredEvent(-1) { TimerId = 4, FireAt = fireAt }));
        Assert.Equal((4, Timestamp.FromDateTime(fireAt)), (fired.TimerFired.TimerId, fired.TimerFired.FireAt));
        var raised = ProtoMapping.ToProto(Stamped(new EventRaisedEvent(-1, "{\"at\":\"2026-12-07T00:00:00Z\"}") { Name = "reschedule-reminder" }));
        Assert.Equal(("reschedule-reminder", "{\"at\":\"2026-12-07T00:00:00Z\"}"), (raised.EventRaised.Name, raised.EventRaised.Input));
        Assert.NotNull(ProtoMapping.ToProto(Stamped(new OrchestratorStartedEvent(-1))).OrchestratorStarted);
        Assert.NotNull(ProtoMapping.ToProto(Stamped(new OrchestratorCompletedEvent(-1))).OrchestratorCompleted);
        Assert.Equal("stop", ProtoMapping.ToProto(Stamped(new ExecutionTerminatedEvent(-1, "stop"))).ExecutionTerminated.Input);
    }

    [Fact]
    public void ToProto_LocalTime_SentAsUtc()
    {
        var local = DateTime.SpecifyKind(At, DateTimeKind.Unspecified);

        Assert.Equal(Timestamp.FromDateTime(At), ProtoMapping.ToProto(Stamped(new TimerCreatedEvent(1) { FireAt = local })).TimerCreated.FireAt);
    }

    [Fact]
    public void ToCore_ScheduleTaskTimerAndCompletion()
    {
        var task = ProtoMapping.ToCore(new P.OrchestratorAction { Id = 0, ScheduleTask = new P.ScheduleTaskAction { Name = "PlanInvitationsActivity", Input = "\"w\"" } });
        var timer = ProtoMapping.ToCore(new P.OrchestratorAction { Id = 1, CreateTimer = new P.CreateTimerAction { FireAt = Timestamp.FromDateTime(At) } });
        var done = ProtoMapping.ToCore(new P.OrchestratorAction
        {
            Id = 2,
            CompleteOrchestration = new P.CompleteOrchestrationAction { OrchestrationStatus = P.OrchestrationStatus.Completed, Result = "{\"invited\":30}" },
        });

        var schedule = Assert.IsType<ScheduleTaskOrchestratorAction>(task);
        Assert.Equal((0, "PlanInvitationsActivity", "\"w\""), (schedule.Id, schedule.Name, schedule.Input));
        Assert.Equal(At, Assert.IsType<CreateTimerOrchestratorAction>(timer).FireAt);
        var complete = Assert.IsType<OrchestrationCompleteOrchestratorAction>(done);
        Assert.Equal((OrchestrationStatus.Completed, "{\"invited\":30}"), (complete.OrchestrationStatus, complete.Result));
    }

    [Fact]
    public void ToCore_FailedCompletion_KeepsTheFailureDetails()
    {
        var failed = ProtoMapping.ToCore(new P.OrchestratorAction
        {
            Id = 5,
            CompleteOrchestration = new P.CompleteOrchestrationAction
            {
                OrchestrationStatus = P.OrchestrationStatus.Failed,
                FailureDetails = new P.TaskFailureDetails { ErrorType = "InvalidOperationException", ErrorMessage = "no sample" },
            },
        });

        var complete = Assert.IsType<OrchestrationCompleteOrchestratorAction>(failed);
        Assert.Equal(OrchestrationStatus.Failed, complete.OrchestrationStatus);
        Assert.Equal(("InvalidOperationException", "no sample"), (complete.FailureDetails!.ErrorType, complete.FailureDetails.ErrorMessage));
    }

    [Fact]
    public void Statuses_SameNumbersOnBothSides()
    {
        foreach (var status in System.Enum.GetValues<OrchestrationStatus>())
        {
            Assert.Equal(status.ToString(), ((P.OrchestrationStatus)(int)status).ToString().Replace("OrchestrationStatus", string.Empty, StringComparison.Ordinal).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        }
    }
}
