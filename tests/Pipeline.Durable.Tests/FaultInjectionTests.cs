using Pipeline.Durable.Worker;
using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>
/// A crash injected at each point of a step, of an activity and of a timer's delivery loses nothing and
/// applies nothing twice. The crashed work keeps its lease; the test moves the clock past it.
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly TimeSpan PastLease = TimeSpan.FromSeconds(31);

    /// <summary>
    /// With sessions off every activity goes through a work item; with them on (the default) the worker runs the
    /// activities itself and feeds their answers into the next step, so there is no work item to delete, and the
    /// whole instance runs in one session with one release.
    /// </summary>
    [Theory]
    [InlineData("BeforeSend", false)]
    [InlineData("AfterSend", false)]
    [InlineData("BeforeCommit", false)]
    [InlineData("AfterCommit", false)]
    [InlineData("BeforeRelease", false)]
    [InlineData("ActivityAfterRun", false)]
    [InlineData("ActivityBeforeDelete", false)]
    [InlineData("BeforeSend", true)]
    [InlineData("AfterSend", true)]
    [InlineData("BeforeCommit", true)]
    [InlineData("AfterCommit", true)]
    [InlineData("BeforeRelease", true)]
    [InlineData("ActivityAfterRun", true)]
    public async Task Crash_AtEveryPointOfAStep_LosesNothingAndDuplicatesNothing(string at, bool sessions)
    {
        var point = Enum.Parse<FaultPoint>(at);
        var stores = TestStores.InMemory();
        var faults = new Faults().CrashAt(point, times: 2);
        await using var host = await DurableTestHost.StartAsync(stores, faults, s => s["DurableTask:SessionTimeout"] = sessions ? "00:00:05" : "00:00:00");

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a", "b", "c" });
        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceAsync(id))!.IsCompleted, $"completion after crashes at {point}", between: SlowClock(stores));

        var done = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        // With sessions the whole instance runs in one session with one commit: a crash after it is the last.
        Assert.Equal(sessions && point is FaultPoint.BeforeRelease or FaultPoint.AfterCommit ? 1 : 2, faults.Fired.Count);
        Assert.Equal("Hello a! Hello b! Hello c!", done!.ReadOutputAs<string>());
        await HistoryInvariants.AssertCleanAsync(stores, id);

        // At least once: every activity ran; only a crash between an activity's work and its answer runs it again.
        Assert.Equal(3, stores.Probe.Runs.Count);
        var reruns = stores.Probe.Runs.Values.Sum() - 3;
        switch (point)
        {
            case FaultPoint.BeforeSend or FaultPoint.AfterSend or FaultPoint.BeforeCommit when sessions:
                // The session's steps and their activities' answers were only in memory: the worker that recovers
                // the instance repeats them from the last commit, and the activities run again, up to all 3 per crash.
                Assert.InRange(reruns, 0, 6);
                break;
            case FaultPoint.ActivityAfterRun:
                Assert.Equal(2, reruns);
                break;
            case FaultPoint.ActivityBeforeDelete:
                // The answer was delivered; each leftover work item may run once more when its lease lapses.
                Assert.InRange(reruns, 0, 2);
                break;
            case FaultPoint.AfterSend or FaultPoint.BeforeCommit:
                // The work went out but the step did not commit: the retried step sends it again unless the
                // answer is already in the inbox, so an activity that answered in between runs twice.
                Assert.InRange(reruns, 0, 2);
                break;
            default:
                Assert.Equal(0, reruns);
                break;
        }
    }

    [Fact]
    public async Task Crash_BeforeTimerRowDeleted_FiresTheTimerOnce()
    {
        var stores = TestStores.InMemory();
        var faults = new Faults().CrashAt(FaultPoint.TimerBeforeDelete, times: 2);
        await using var host = await DurableTestHost.StartAsync(stores, faults);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 2);
        await WaitForTimerRowAsync(stores);
        stores.Advance(TimeSpan.FromDays(2));
        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceAsync(id))!.IsCompleted, "timer completion");

        Assert.NotEmpty(faults.Fired);
        await HistoryInvariants.AssertCleanAsync(stores, id);
        Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerFired>());
        await Eventually.TrueAsync(async () => (await stores.Tables.QueryAllAsync(stores.HubName + "Timers", TableQuery.All).ToListAsync()).Count == 0, "the timer row's removal");
    }

    [Fact]
    public async Task DuplicateMessage_AfterItWasConsumed_IsDropped()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approvals), 2);
        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceHistoryAsync(id)).OfType<TaskCompleted>().Any(), "warm-up activity");
        var history = await host.Client.GetInstanceHistoryAsync(id);
        var completed = history.OfType<TaskCompleted>().Single();
        var hub = (Stores.TaskHubStore)host.Services.GetService(typeof(Stores.TaskHubStore))!;
        var execution = history.OfType<ExecutionStarted>().Single().ExecutionId;

        // The same activity answer and the same event, delivered again.
        await hub.SendAsync(id, completed.MessageId!, execution, completed with { MessageId = null }, default);
        await host.Client.RaiseEventAsync(id, "approve", "once", eventId: "fixed-id");
        await host.Client.RaiseEventAsync(id, "approve", "twice?", eventId: "fixed-id");
        await host.Client.RaiseEventAsync(id, "approve", "second");

        var done = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(["once", "second"], done.ReadOutputAs<string[]>()!);
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Activity_ClaimedTooOften_IsPoisonedAndFailsItsInstance(bool sessions)
    {
        var stores = TestStores.InMemory();
        var faults = new Faults().CrashAt(FaultPoint.ActivityAfterRun, times: 100);
        await using var host = await DurableTestHost.StartAsync(stores, faults, s =>
        {
            s["DurableTask:MaxDequeueCount"] = "3";
            s["DurableTask:SessionTimeout"] = sessions ? "00:00:05" : "00:00:00";
        });

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" });
        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceAsync(id))!.IsCompleted, "poisoned instance", between: () => stores.Advance(PastLease));

        var done = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done!.RuntimeStatus);
        Assert.Equal("PoisonMessage", done.FailureDetails!.ErrorType);
        Assert.Contains("SayHello", done.FailureDetails.ErrorMessage, StringComparison.Ordinal);

        // With sessions, the first run is the session's own; the worker that recovers the instance sends the
        // activity to the work table, where it is claimed three times.
        Assert.Equal(sessions ? 4 : 3, faults.Fired.Count);
        var poison = await stores.Tables.QueryAllAsync(stores.HubName + "Poison", TableQuery.All).ToListAsync();
        Assert.Equal(id, Assert.Single(poison).GetString("InstanceId"));
    }

    [Fact]
    public async Task Step_FailingEveryTime_IsPoisonedAndFailsItsInstance()
    {
        var stores = TestStores.InMemory();
        var faults = new Faults().CrashAt(FaultPoint.BeforeCommit, times: 100);
        await using var host = await DurableTestHost.StartAsync(stores, faults, s => s["DurableTask:MaxDequeueCount"] = "2");

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "a" });
        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceAsync(id))!.IsCompleted, "poisoned instance", between: () => stores.Advance(PastLease));

        var done = await host.Client.GetInstanceAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, done!.RuntimeStatus);
        Assert.Contains("poison", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(2, faults.Fired.Count);
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }

    /// <summary>Moves the clock past a lease every tenth poll, so that work in flight is not overtaken by its own lease.</summary>
    internal static Action SlowClock(TestStores stores)
    {
        var polls = 0;
        return () =>
        {
            if (++polls % 10 == 0)
            {
                stores.Advance(PastLease);
            }
        };
    }

    internal static Task WaitForTimerRowAsync(TestStores stores) =>
        Eventually.TrueAsync(async () => (await stores.Tables.QueryAllAsync(stores.HubName + "Timers", TableQuery.All).ToListAsync()).Count > 0, "a timer row");
}
