namespace Pipeline.Durable.Tests;

/// <summary>Durable timers of any length, on the fake clock.</summary>
public sealed class TimerTests
{
    [Fact]
    public async Task ThirtyDayTimer_FiresOnceAtItsTime_AcrossARestart()
    {
        var stores = TestStores.InMemory();
        var start = stores.Time.GetUtcNow().UtcDateTime;
        string id;
        await using (var first = await DurableTestHost.StartAsync(stores))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync(nameof(LongTimer), 30);
            await FaultInjectionTests.WaitForTimerRowAsync(stores);
        }

        await using var second = await DurableTestHost.StartAsync(stores);
        stores.Advance(TimeSpan.FromDays(29.99));
        await Task.Delay(300);
        Assert.False((await second.Client.GetInstanceAsync(id))!.IsCompleted);

        stores.Advance(TimeSpan.FromDays(0.02));
        var done = await second.Client.WaitForInstanceCompletionAsync(id);

        Assert.InRange(done.ReadOutputAs<DateTime>(), start.AddDays(30), start.AddDays(30.02));
        Assert.Single((await second.Client.GetInstanceHistoryAsync(id)).OfType<TimerFired>());
        await HistoryInvariants.AssertCleanAsync(stores, id);
    }

    [Fact]
    public async Task Activity_RunningLongerThanItsLease_KeepsItAndRunsOnce()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowOne), "letters");
        await Eventually.TrueAsync(() => Task.FromResult(stores.Probe.Runs.ContainsKey(id + "/slow")), "the slow activity to start");

        // Five minutes pass in 5-second steps (the lease is 30 s): the renewals keep it.
        for (var i = 0; i < 60; i++)
        {
            stores.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(10);
        }

        stores.Probe.Gate.SetResult();
        var done = await host.Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal("letters", done.ReadOutputAs<string>());
        Assert.Equal(1, stores.Probe.Runs[id + "/slow"]);
    }

    [Fact]
    public async Task WhenAny_TimerBeatsEvent_TimesOut()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrTimeout), 48);
        await FaultInjectionTests.WaitForTimerRowAsync(stores);

        stores.Advance(TimeSpan.FromHours(48));
        var done = await host.Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal("timed out", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Retry_FailedAttempts_WaitOnDurableTimersWithBackoff()
    {
        var stores = TestStores.InMemory();
        await using var host = await DurableTestHost.StartAsync(stores);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(RetryThenSucceed), 2);

        await Eventually.TrueAsync(async () => (await host.Client.GetInstanceAsync(id))!.IsCompleted, "retries", between: () => stores.Advance(TimeSpan.FromSeconds(5)));

        var done = await host.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
        Assert.Equal("succeeded on attempt 3", done!.ReadOutputAs<string>());
        // Each retry timer is set from the time of the step that saw the failure: 10 s, then 20 s (backoff 2).
        var timers = (await host.Client.GetInstanceHistoryAsync(id)).OfType<TimerCreated>().ToList();
        Assert.Equal(2, timers.Count);
        Assert.Equal(TimeSpan.FromSeconds(10), timers[0].FireAt - timers[0].Timestamp);
        Assert.Equal(TimeSpan.FromSeconds(20), timers[1].FireAt - timers[1].Timestamp);
    }
}
