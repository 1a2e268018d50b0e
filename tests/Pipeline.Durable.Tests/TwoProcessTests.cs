using System.Diagnostics;
using Pipeline.Testing;

namespace Pipeline.Durable.Tests;

/// <summary>Two worker processes on one hub on Azurite; one is killed with SIGKILL mid-run.</summary>
public sealed class TwoProcessTests
{
    [Fact]
    public async Task KillingOneWorkerProcess_MidRun_DelaysWorkButLosesNothing()
    {
        var stores = await TestStores.AzuriteAsync();
        var connection = await TestAzurite.ConnectionStringAsync();
        // Four instances at a time each, so that neither process takes all the work before the other polls.
        using var first = WorkerProcess.Start(connection, stores.HubName, "--orchestration-slots", "4");
        using var second = WorkerProcess.Start(connection, stores.HubName, "--orchestration-slots", "4");
        try
        {
            await RunAsync(stores, first);
        }
        finally
        {
            first.Kill();
            second.Kill();
        }
    }

    private static async Task RunAsync(TestStores stores, Process first)
    {
        await using var client = await DurableTestHost.StartAsync(stores, settings: s => s["DurableTask:RunWorker"] = "false");

        // Enough work that both processes are still busy when one is killed, on a fast Azurite too.
        const int Steps = 10;
        var ids = new List<string>();
        for (var i = 0; i < 48; i++)
        {
            ids.Add(await client.Client.ScheduleNewOrchestrationInstanceAsync(nameof(KillableSequence), Steps, $"kill-{i:D2}"));
        }

        // Kill the first worker once both have answered activities.
        await Eventually.TrueAsync(
            async () => (await AnsweringProcessesAsync(client, ids)).Count == 2,
            "both worker processes answering activities",
            TimeSpan.FromSeconds(60));
        first.Kill(); // SIGKILL: whatever it held stays leased until the lease (5 s here) runs out.
        await first.WaitForExitAsync();
        var finished = 0;
        foreach (var id in ids)
        {
            finished += (await client.Client.GetInstanceAsync(id))!.IsCompleted ? 1 : 0;
        }

        Assert.True(finished < ids.Count, "the kill landed after the run");

        foreach (var id in ids)
        {
            await Eventually.TrueAsync(async () => (await client.Client.GetInstanceAsync(id))!.IsCompleted, $"completion of {id}", TimeSpan.FromSeconds(90));
            var done = await client.Client.GetInstanceAsync(id, getInputsAndOutputs: true);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done!.RuntimeStatus);
            Assert.Equal(Enumerable.Range(0, Steps).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)), done.ReadOutputAs<string>()!.Split(',').Select(p => p.Split('@')[0]));
            await HistoryInvariants.AssertCleanAsync(stores, id);
        }
    }

    private static async Task<HashSet<string>> AnsweringProcessesAsync(DurableTestHost client, List<string> ids)
    {
        var pids = new HashSet<string>();
        foreach (var id in ids)
        {
            foreach (var answer in (await client.Client.GetInstanceHistoryAsync(id)).OfType<TaskCompleted>())
            {
                pids.Add(answer.Result!.Trim('"').Split('@')[1]);
            }
        }

        return pids;
    }
}
