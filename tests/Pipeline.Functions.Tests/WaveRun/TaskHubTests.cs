using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.InProcess;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The framework's behaviour the wave relies on, on Azurite: two hosts on one task hub, a timer across a restart,
/// an event raised while an activity runs. (Kill -9 mid-letters: WaveThroughTheHostTests, on the worker under the local host; terminate and purge:
/// <see cref="DurableApiTests"/>.)
/// </summary>
public sealed class TaskHubTests
{
    [Fact]
    public async Task TwoHostsOnOneHub_EveryInstanceCompletesOnce_BothRunActivities()
    {
        var hub = "two" + Guid.NewGuid().ToString("N")[..12];
        var runs = new ConcurrentDictionary<string, int>();
        await using var first = Host(hub, "A", runs, keep: false);
        await using var second = Host(hub, "B", runs, keep: true);
        var client = first.Services.GetRequiredService<HubClient>();
        _ = second.Services.GetRequiredService<HubClient>();

        var ids = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            ids.Add(await client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), 5));
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        foreach (var id in ids)
        {
            var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            Assert.Equal(5, done.ReadOutputAs<string[]>()!.Length);
        }

        Assert.True(runs.Keys.Count == 2, "activities ran on " + string.Join(", ", runs.Keys));
        Assert.Equal(100, runs.Values.Sum());
    }

    [Fact]
    public async Task Timer_AcrossARestart_FiresOnTheNextHost()
    {
        var hub = "timer" + Guid.NewGuid().ToString("N")[..12];
        var runs = new ConcurrentDictionary<string, int>();
        string id;
        await using (var before = Host(hub, "A", runs, keep: true))
        {
            var client = before.Services.GetRequiredService<HubClient>();
            id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(Nap), 6);
            await client.WaitForInstanceStartAsync(id);
            await Task.Delay(1000);
        }

        var stopped = DateTimeOffset.UtcNow;
        await using var after = Host(hub, "B", runs, keep: false);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await after.Services.GetRequiredService<HubClient>().WaitForInstanceCompletionAsync(id, true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.True(done.LastUpdatedAt >= stopped, "the timer fired before the first host stopped");
        Assert.Equal("B", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Event_RaisedWhileAnActivityRuns_IsKeptForTheWaitAfterIt()
    {
        var runs = new ConcurrentDictionary<string, int>();
        await using var app = Host("event" + Guid.NewGuid().ToString("N")[..12], "A", runs, keep: false);
        var client = app.Services.GetRequiredService<HubClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(SlowThenWait), 3000);
        while (!runs.ContainsKey("A"))
        {
            await Task.Delay(50);
        }

        await client.RaiseEventAsync(id, "go", "now");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var done = await client.WaitForInstanceCompletionAsync(id, true, timeout.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("slept 3000 ms, then now", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task HostJsonSettings_ShapeTheHub_InDurableFunctionsLayout()
    {
        var hub = "Layout" + Guid.NewGuid().ToString("N")[..10];
        var runs = new ConcurrentDictionary<string, int>();
        await using var app = Host(hub, "A", runs, keep: false);
        app.Settings[PipelineApplication.HubSetting + "storageProvider:partitionCount"] = "2";
        var client = app.Services.GetRequiredService<HubClient>();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(Sequence), 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await client.WaitForInstanceCompletionAsync(id, false, timeout.Token)).RuntimeStatus);

        var storage = new Pipeline.Storage.Azure.AzureClients(new Pipeline.Storage.StorageOptions { ConnectionString = app.Settings["AzureWebJobsStorage"]! });
        var queues = new List<string>();
        await foreach (var queue in storage.Queues.GetQueuesAsync(prefix: hub.ToLowerInvariant()))
        {
            queues.Add(queue.Name);
        }

        var tables = new List<string>();
        await foreach (var table in storage.Tables.QueryAsync(t => t.Name.CompareTo(hub) >= 0 && t.Name.CompareTo(hub + "~") < 0))
        {
            tables.Add(table.Name);
        }

        var lower = hub.ToLowerInvariant();
        Assert.Equal([$"{lower}-control-00", $"{lower}-control-01", $"{lower}-workitems"], queues.Order());
        Assert.Contains($"{hub}History", tables);
        Assert.Contains($"{hub}Instances", tables);
    }

    private static PipelineApplication Host(string hub, string name, ConcurrentDictionary<string, int> runs, bool keep)
    {
        var app = new PipelineApplication { KeepHub = keep };
        app.Settings[PipelineApplication.HubSetting + "hubName"] = hub;
        app.ConfigureServices = services => services
            .AddSingleton(new HostName(name, runs))
            .AddTaskHub(r => r.AddOrchestrator<Sequence>().AddOrchestrator<Nap>().AddOrchestrator<SlowThenWait>().AddActivity<Work>().AddActivity<Whoami>());
        return app;
    }

    internal sealed record HostName(string Name, ConcurrentDictionary<string, int> Runs);

    internal sealed class Sequence : TaskOrchestrator<int, string[]>
    {
        public override async Task<string[]> RunAsync(TaskOrchestrationContext context, int count)
        {
            var parts = new List<string>();
            for (var i = 0; i < count; i++)
            {
                parts.Add(await context.CallActivityAsync<string>(nameof(Work), 20));
            }

            return [.. parts];
        }
    }

    /// <summary>Waits <c>seconds</c> on a durable timer, then says which host woke it.</summary>
    internal sealed class Nap : TaskOrchestrator<int, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, int seconds)
        {
            await context.CreateTimer(context.CurrentUtcDateTime.AddSeconds(seconds), CancellationToken.None);
            return await context.CallActivityAsync<string>(nameof(Whoami), 0);
        }
    }

    internal sealed class SlowThenWait : TaskOrchestrator<int, string>
    {
        public override async Task<string> RunAsync(TaskOrchestrationContext context, int milliseconds)
        {
            var slept = await context.CallActivityAsync<string>(nameof(Work), milliseconds);
            var go = await context.WaitForExternalEvent<string>("go");
            return $"{slept}, then {go}";
        }
    }

    internal sealed class Work(HostName host) : TaskActivity<int, string>
    {
        public override async Task<string> RunAsync(TaskActivityContext context, int milliseconds)
        {
            host.Runs.AddOrUpdate(host.Name, 1, (_, n) => n + 1);
            await Task.Delay(milliseconds);
            return $"slept {milliseconds} ms";
        }
    }

    internal sealed class Whoami(HostName host) : TaskActivity<int, string>
    {
        public override Task<string> RunAsync(TaskActivityContext context, int input) => Task.FromResult(host.Name);
    }
}
