using Pipeline.Durable.Client;
using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>The engine's behaviour, run on the in-memory twin and on Azurite.</summary>
public abstract class EngineContract : IAsyncLifetime
{
    private DurableTestHost _host = null!;

    private protected TestStores Stores { get; private set; } = null!;

    private protected DurableTaskClient Client => _host.Client;

    private protected abstract Task<TestStores> CreateStoresAsync();

    public async Task InitializeAsync()
    {
        Stores = await CreateStoresAsync();
        _host = await DurableTestHost.StartAsync(Stores);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<OrchestrationMetadata> RunAsync(string name, object? input, string? id = null)
    {
        var instanceId = await Client.ScheduleNewOrchestrationInstanceAsync(name, input, id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await Client.WaitForInstanceCompletionAsync(instanceId, timeout.Token);
    }

    [Fact]
    public async Task Sequence_CompletesWithOutputStatusAndHistory()
    {
        var done = await RunAsync(nameof(HelloSequence), new[] { "Gent", "Brugge", "Oostende" });

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("Hello Gent! Hello Brugge! Hello Oostende!", done.ReadOutputAs<string>());
        Assert.Equal("""{"done":3}""", done.SerializedCustomStatus);
        Assert.Equal("""["Gent","Brugge","Oostende"]""", done.SerializedInput);
        var history = await Client.GetInstanceHistoryAsync(done.InstanceId);
        Assert.Single(history.OfType<ExecutionStarted>());
        Assert.Equal([0, 1, 2], history.OfType<TaskScheduled>().Select(t => t.EventId));
        Assert.Equal([0, 1, 2], history.OfType<TaskCompleted>().Select(t => t.TaskScheduledId));
        Assert.IsType<ExecutionCompleted>(history[^1]);
    }

    [Fact]
    public async Task FanOut_AllActivitiesRunAndResultsAreJoined()
    {
        var done = await RunAsync(nameof(FanOutFanIn), 40);

        Assert.Equal(Enumerable.Range(1, 40).Sum(i => (long)i * i), done.ReadOutputAs<long>());
        Assert.Equal(40, Stores.Probe.Runs.Count);
    }

    [Fact]
    public async Task Events_RaisedBeforeTheWait_AreBufferedInOrder()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approvals), 3);
        await Client.RaiseEventAsync(id, "approve", "first");
        await Client.RaiseEventAsync(id, "APPROVE", "second");
        await Client.RaiseEventAsync(id, "approve", "third");

        var done = await Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal(["first", "second", "third"], done.ReadOutputAs<string[]>()!);
    }

    [Fact]
    public async Task WhenAny_EventBeatsTimer_TimerIsCancelled()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrTimeout), 48);
        await Client.RaiseEventAsync(id, "approve", "the mayor");

        var done = await Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal("approved by the mayor", done.ReadOutputAs<string>());

        // The cancelled timer's row goes in the clean-up right after the final commit.
        await Eventually.TrueAsync(async () => (await Stores.Tables.QueryAllAsync(Stores.HubName + "Timers", TableQuery.All).ToListAsync()).Count == 0, "the timer row's removal");
    }

    [Fact]
    public async Task ActivityFailure_FailsTheInstanceWithDetails()
    {
        var done = await RunAsync(nameof(Failing), "zone 5415");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Contains("boom: zone 5415", done.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(typeof(TaskFailedException).FullName, done.FailureDetails.ErrorType);
    }

    [Fact]
    public async Task SubOrchestrations_ReturnTheirOutputs()
    {
        var done = await RunAsync(nameof(Parent), new[] { "a", "b" });

        Assert.Equal("Hello a! Hello b! | Hello b! Hello a!", done.ReadOutputAs<string>());
        var child = await Client.GetInstanceAsync(done.InstanceId + ":0000");
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child!.RuntimeStatus);
    }

    [Fact]
    public async Task ContinueAsNew_RestartsWithNewInputAndFreshHistory()
    {
        var done = await RunAsync(nameof(Counter), 0);

        Assert.Equal(5, done.ReadOutputAs<int>());
        var history = await Client.GetInstanceHistoryAsync(done.InstanceId);
        Assert.Equal("5", Assert.Single(history.OfType<ExecutionStarted>()).Input);
        Assert.Empty(history.OfType<TaskScheduled>());
    }

    [Fact]
    public async Task NewGuid_IsTheSameOnReplay()
    {
        var done = await RunAsync(nameof(Guids), "x");

        var guids = done.ReadOutputAs<Guid[]>()!;
        var history = await Client.GetInstanceHistoryAsync(done.InstanceId);
        Assert.Equal($"\"{guids[0]}\"", history.OfType<TaskScheduled>().Single().Input);
        Assert.NotEqual(guids[0], guids[1]);
    }

    [Fact]
    public async Task Replay_DivergingFromHistory_FailsNamingTheCalls()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(FlipFlop), "x");
        await Eventually.TrueAsync(async () => (await Client.GetInstanceHistoryAsync(id)).OfType<TaskCompleted>().Any(), "the first activity");
        Stores.Probe.Flip = true;

        await Client.RaiseEventAsync(id, "go");
        var done = await Client.WaitForInstanceCompletionAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, done.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, done.FailureDetails!.ErrorType);
        Assert.Contains("CallActivityAsync 'SayHello'", done.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("CallActivityAsync 'Echo'", done.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LargePayloads_GoToBlobs_AndPurgeRemovesThem()
    {
        var big = new string('x', 100_000);

        var done = await RunAsync(nameof(BigPayload), big);

        Assert.Equal(100_000, done.ReadOutputAs<int>());
        Assert.Equal(big, done.ReadCustomStatusAs<string>());
        Assert.Equal(big, done.ReadInputAs<string>());
        Assert.NotEmpty(await Stores.Blobs.ListAllAsync(Stores.HubName + "-payloads", done.InstanceId + "/").ToListAsync());

        Assert.True(await Client.PurgeInstanceAsync(done.InstanceId));

        Assert.Empty(await Stores.Blobs.ListAllAsync(Stores.HubName + "-payloads", done.InstanceId + "/").ToListAsync());
        Assert.Null(await Client.GetInstanceAsync(done.InstanceId));
    }

    [Fact]
    public async Task Start_SameIdWhileRunning_IsRefused_AfterFinishing_IsAllowed()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approvals), 1, "wave-2026");

        var error = await Assert.ThrowsAsync<OrchestrationInstanceException>(() => Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approvals), 1, "wave-2026"));
        Assert.Equal(InstanceProblem.AlreadyRunning, error.Problem);

        await Client.RaiseEventAsync(id, "approve", "ok");
        await Client.WaitForInstanceCompletionAsync(id);
        await Client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequence), new[] { "again" }, "wave-2026");
        var again = await Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal("Hello again!", again.ReadOutputAs<string>());
    }

    [Fact]
    public async Task RaiseEvent_UnknownOrFinishedInstance_IsAnError()
    {
        var unknown = await Assert.ThrowsAsync<OrchestrationInstanceException>(() => Client.RaiseEventAsync("no-such-instance", "approve"));
        var done = await RunAsync(nameof(HelloSequence), new[] { "x" });
        var finished = await Assert.ThrowsAsync<OrchestrationInstanceException>(() => Client.RaiseEventAsync(done.InstanceId, "approve"));

        Assert.Equal(InstanceProblem.NotFound, unknown.Problem);
        Assert.Equal(InstanceProblem.NotRunning, finished.Problem);
        await Assert.ThrowsAsync<ArgumentException>(() => Client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator"));
    }

    [Fact]
    public async Task Terminate_WaitingInstance_ThenPurge_RemovesHistoryAndTimers()
    {
        var id = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(ApprovalOrTimeout), 24 * 30);
        await Eventually.TrueAsync(async () => (await Stores.Tables.QueryAllAsync(Stores.HubName + "Timers", TableQuery.All).ToListAsync()).Count == 1, "the timer row");
        await Assert.ThrowsAsync<OrchestrationInstanceException>(() => Client.PurgeInstanceAsync(id));

        await Client.TerminateInstanceAsync(id, "wave cancelled");
        var done = await Client.WaitForInstanceCompletionAsync(id);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, done.RuntimeStatus);
        Assert.True(await Client.PurgeInstanceAsync(id));

        Assert.Empty(await Stores.Tables.QueryAllAsync(Stores.HubName + "Timers", TableQuery.All).ToListAsync());
        Assert.Empty(await Stores.Tables.QueryAllAsync(Stores.HubName + "Instances", TableQuery.InPartition(id)).ToListAsync());
        await Assert.ThrowsAsync<OrchestrationInstanceException>(() => Client.GetInstanceHistoryAsync(id));
        Assert.False(await Client.PurgeInstanceAsync(id));
    }

    [Fact]
    public async Task Query_ByStatusWithPaging_And_PurgeByFilter()
    {
        var finished = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            finished.Add((await RunAsync(nameof(HelloSequence), new[] { "q" })).InstanceId);
        }

        var waiting = await Client.ScheduleNewOrchestrationInstanceAsync(nameof(Approvals), 1);
        await Eventually.TrueAsync(async () => (await Client.GetInstanceAsync(waiting))!.RuntimeStatus == OrchestrationRuntimeStatus.Running, "running");

        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await Client.QueryInstancesAsync(new OrchestrationQuery([OrchestrationRuntimeStatus.Completed], PageSize: 2, ContinuationToken: continuation));
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            continuation = page.ContinuationToken;
        }
        while (continuation is not null);

        Assert.Equal(finished.Order(), seen.Order());
        Assert.Equal(3, await Client.PurgeInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed])));
        Assert.NotNull(await Client.GetInstanceAsync(waiting));
    }
}

public sealed class InMemoryEngineTests : EngineContract
{
    private protected override Task<TestStores> CreateStoresAsync() => Task.FromResult(TestStores.InMemory());
}

public sealed class AzuriteEngineTests : EngineContract
{
    private protected override Task<TestStores> CreateStoresAsync() => TestStores.AzuriteAsync();
}
