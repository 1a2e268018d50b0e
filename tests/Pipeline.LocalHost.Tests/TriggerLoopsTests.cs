using Pipeline.LocalHost.Triggers;
using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.LocalHost.Tests;

/// <summary>The local host's timer and queue triggers invoke the worker's functions as the Functions host's extensions do.</summary>
public sealed class TriggerLoopsTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private static async Task<StorageSet> StorageAsync() => StorageSet.Azure(new StorageOptions { ConnectionString = await TestAzurite.ConnectionStringAsync() });

    [Fact]
    public async Task Queue_MessageForAQueueFunction_InvokedInTheWorker_DeletedOnSuccess()
    {
        var storage = await StorageAsync();
        await storage.Queues.AddAsync("aggregate-requests", "no-such-wave");
        var queue = new Azure.Storage.Queues.QueueClient(await TestAzurite.ConnectionStringAsync(), "aggregate-requests");

        // A liveness bound, not a timing: on a busy 2-core machine the worker may take a while to poll the queue.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await queue.GetPropertiesAsync()).Value.ApproximateMessagesCount > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"RecomputeAggregates did not take its message (worker started {fixture.Host.Worker.Starts} times)");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Timer_FirstStart_ScheduleStatusWritten()
    {
        var storage = await StorageAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        BlobContent? status = null;
        while (status is null)
        {
            try
            {
                status = await storage.Blobs.GetAsync(ScheduleMonitor.Container, ScheduleMonitor.StatusBlob("ReleaseResponses"));
            }
            catch (NotFoundException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }

        Assert.Contains("\"Next\"", System.Text.Encoding.UTF8.GetString(status.Content.Span), StringComparison.Ordinal);
    }

    [Fact]
    public void QueueSettings_AppSettingsOverrideHostJson()
    {
        // The host reads host.json through configuration: AzureFunctionsJobHost__extensions__queues__* app settings win.
        var app = LocalSettings.BuiltApp(Pipeline.Storage.Emulator.RepositoryRoot.Find()!);
        var settings = new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:queues:maxDequeueCount"] = "2", ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00" };

        Assert.Equal(new QueueOptions(16, TimeSpan.FromSeconds(1), TimeSpan.Zero, 2), TriggerLoops.QueueSettings(app, settings));
    }

    [Fact]
    public void QueueSettings_NoExtensionsQueues_TheHostsDefaults()
    {
        // azure-webjobs-sdk QueuesOptions: BatchSize 16, MaxPollingInterval 1 min, VisibilityTimeout 0, MaxDequeueCount 5.
        var empty = Directory.CreateTempSubdirectory("lh-host-").FullName;

        Assert.Equal(new QueueOptions(16, TimeSpan.FromMinutes(1), TimeSpan.Zero, 5), TriggerLoops.QueueSettings(empty));
    }

    [Fact]
    public void QueueSettings_TheAppsHostJson_Read()
    {
        var app = LocalSettings.BuiltApp(Pipeline.Storage.Emulator.RepositoryRoot.Find()!);

        Assert.Equal(new QueueOptions(16, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 5), TriggerLoops.QueueSettings(app));
    }
}
