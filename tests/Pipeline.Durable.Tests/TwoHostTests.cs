using System.Collections.Concurrent;
using Pipeline.Durable.Worker;

namespace Pipeline.Durable.Tests;

/// <summary>Two workers on one task hub: both work, never on one instance at once, and one dying loses nothing.</summary>
public sealed class TwoHostTests
{
    [Fact]
    public async Task TwoHosts_ShareTheWork_NeverStepOneInstanceAtOnce()
    {
        var stores = TestStores.InMemory();
        var steps = new StepTracker();
        // Small slots, so that neither host can take all the work before the other polls.
        static void Narrow(Dictionary<string, string?> s)
        {
            s["DurableTask:MaxConcurrentOrchestrations"] = "2";
            s["DurableTask:MaxConcurrentActivities"] = "2";
        }

        await using var a = await DurableTestHost.StartAsync(stores, steps.For("a"), Narrow);
        await using var b = await DurableTestHost.StartAsync(stores, steps.For("b"), Narrow);

        var ids = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            ids.Add(await (i % 2 == 0 ? a : b).Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "x", "y", "z" }));
        }

        foreach (var id in ids)
        {
            Assert.Equal(OrchestrationRuntimeStatus.Completed, (await a.Client.WaitForInstanceCompletionAsync(id)).RuntimeStatus);
            await HistoryInvariants.AssertCleanAsync(stores, id);
        }

        Assert.Empty(steps.Overlaps);
        Assert.Equal(2, steps.HostsThatStepped.Count);
        Assert.Equal(2, stores.Probe.ByWorker.Count);
        Assert.Equal(120, stores.Probe.Runs.Count);
    }

    [Fact]
    public async Task OneHostDying_MidRun_DelaysWorkButLosesNothing()
    {
        var stores = TestStores.InMemory();
        var dying = new Faults();
        var a = await DurableTestHost.StartAsync(stores, dying);
        await using var b = await DurableTestHost.StartAsync(stores);
        var ids = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            ids.Add(await a.Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "x", "y", "z" }));
        }

        await Eventually.TrueAsync(() => Task.FromResult(stores.Probe.Runs.Count >= 10), "some progress");

        // From here on host a behaves as a killed process: whatever it holds stays leased, and it does nothing more.
        dying.Dead = true;
        await a.DisposeAsync();

        foreach (var id in ids)
        {
            try
            {
                await Eventually.TrueAsync(async () => (await b.Client.GetInstanceAsync(id))!.IsCompleted, $"completion of {id}", between: () => stores.Advance(TimeSpan.FromSeconds(31)));
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException(e.Message + Environment.NewLine + await HubDump.DescribeAsync(stores, id));
            }
            var done = await b.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            Assert.Equal("Hello x! Hello y! Hello z!", done!.ReadOutputAs<string>());
            await HistoryInvariants.AssertCleanAsync(stores, id);
        }

        Assert.Equal(90, stores.Probe.Runs.Count);
    }

    /// <summary>Records which host is inside a step of which instance, from send to commit.</summary>
    private sealed class StepTracker
    {
        private readonly ConcurrentDictionary<string, string> _inside = new();

        public ConcurrentBag<string> Overlaps { get; } = [];

        public ConcurrentDictionary<string, bool> HostsThatStepped { get; } = new();

        public IFaultInjector For(string host) => new Hook(this, host);

        private sealed class Hook(StepTracker tracker, string host) : IFaultInjector
        {
            public void At(FaultPoint point, string instanceId)
            {
                if (point == FaultPoint.BeforeSend)
                {
                    tracker.HostsThatStepped[host] = true;
                    // A session steps an instance several times before it commits: the same host may re-enter.
                    if (!tracker._inside.TryAdd(instanceId, host) && tracker._inside[instanceId] != host)
                    {
                        tracker.Overlaps.Add($"{instanceId}: {host} entered while {tracker._inside[instanceId]} was inside");
                    }
                }
                else if (point == FaultPoint.AfterCommit)
                {
                    tracker._inside.TryRemove(instanceId, out _);
                }
            }
        }
    }
}
