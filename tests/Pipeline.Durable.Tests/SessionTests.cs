using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>
/// Sessions: a worker runs the activities a step scheduled itself and feeds their answers into the next step. What
/// must still hold: an activity that outlives the session is handed to the work table (so events are not held up
/// and it does not run twice), and a worker that dies mid-session loses nothing.
/// </summary>
public sealed class SessionTests
{
    [Fact]
    public async Task ActivityOutlivingTheSession_IsHandedOff_EventsGoThroughAndItRunsOnce()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores, settings: s => s["DurableTask:SessionTimeout"] = "00:00:00.300");
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowOrStop), "letters");
        await Eventually.TrueAsync(() => Task.FromResult(stores.Probe.Runs.ContainsKey(id + "/slow")), "the slow activity to start");

        await host.Client.RaiseEventAsync(id, "stop", "now");
        var done = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal("stopped", done.ReadOutputAs<string>());
        Assert.True(Assert.Single((await host.Client.GetInstanceHistoryAsync(id)).OfType<TaskScheduled>()).Local);

        // The instance finished; its unanswered work item went with it, and the activity ran here, once.
        stores.Probe.Gate.SetResult();
        await Eventually.TrueAsync(async () => (await stores.Tables.QueryAllAsync(stores.HubName + "Tasks", TableQuery.All).ToListAsync()).Count == 0, "no work item left");
        await Task.Delay(200);
        Assert.Equal(1, stores.Probe.Runs[id + "/slow"]);
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }

    [Fact]
    public async Task ActivityOutlivingTheSession_AnswersThroughTheInbox()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores, settings: s => s["DurableTask:SessionTimeout"] = "00:00:00.200");
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowOne), "letters");
        await Eventually.TrueAsync(async () => (await stores.Tables.QueryAllAsync(stores.HubName + "Tasks", TableQuery.All).ToListAsync()).Count == 1, "the hand-off to the work table");

        stores.Probe.Gate.SetResult();
        var done = await host.Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal("letters", done.ReadOutputAs<string>());
        Assert.Equal(1, stores.Probe.Runs[id + "/slow"]);
        Assert.Empty(await stores.Tables.QueryAllAsync(stores.HubName + "Tasks", TableQuery.All).ToListAsync());
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }

    /// <summary>
    /// <see cref="SlowOne"/>'s first step sends nothing, so the session defers its commit: the dead worker left no
    /// trace. <see cref="SlowOrDeadline"/>'s first step writes a timer, so it commits the activity marked local:
    /// the worker that recovers the instance must give it a work item.
    /// </summary>
    [Theory]
    [InlineData(nameof(SlowOne))]
    [InlineData(nameof(SlowOrDeadline))]
    public async Task WorkerDying_WhileItsSessionRunsAnActivity_AnotherWorkerRunsItAgain(string orchestrator)
    {
        var stores = TestStores.InMemory();
        var dying = new Faults();
        var a = await DurableTestHost.StartAsync(stores, dying, s => s["DurableTask:SessionTimeout"] = "00:01:00");
        var id = await a.Client.ScheduleNewOrchestrationInstanceAsync(orchestrator, "letters");
        await Eventually.TrueAsync(() => Task.FromResult(stores.Probe.Runs.ContainsKey(id + "/slow")), "the slow activity to start on a");
        var local = (await a.Client.GetInstanceHistoryAsync(id)).OfType<TaskScheduled>().Where(t => t.Local);
        Assert.Equal(orchestrator == nameof(SlowOrDeadline) ? 1 : 0, local.Count());

        // Host a dies inside its session: the activity has no work item.
        dying.Dead = true;
        await a.DisposeAsync();
        Assert.Empty(await stores.Tables.QueryAllAsync(stores.HubName + "Tasks", TableQuery.All).ToListAsync());

        stores.Probe.Gate.SetResult();
        await using var b = await DurableTestHost.StartAsync(stores);
        try
        {
            // Once past a's lease, and no further: b's own leases must not lapse, or the activity would run a third time.
            stores.Advance(TimeSpan.FromSeconds(31));
            await Eventually.TrueAsync(async () => (await b.Client.GetInstanceAsync(id))!.IsCompleted, "completion on b");
        }
        catch (Xunit.Sdk.XunitException e)
        {
            throw new Xunit.Sdk.XunitException(e.Message + Environment.NewLine + await HubDump.DescribeAsync(stores, id));
        }


        var done = await b.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal("letters", done!.ReadOutputAs<string>());
        Assert.Equal(2, stores.Probe.Runs[id + "/slow"]);
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }
}
