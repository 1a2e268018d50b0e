using System.Text.Json;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The task-hub service as the worker's own gRPC client (<c>GrpcDurableTaskClient</c>, what <c>[DurableClient]</c> binds to)
/// sees it, at the address the binding's payload gives.
/// </summary>
public sealed class TaskHubServiceTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    private GrpcDurableTaskClient Client(out GrpcChannel channel)
    {
        using var payload = JsonDocument.Parse(fixture.Host.Worker.DurableClientInput!);
        channel = GrpcChannel.ForAddress(payload.RootElement.GetProperty("rpcBaseUrl").GetString()!);
        return new GrpcDurableTaskClient(payload.RootElement.GetProperty("taskHubName").GetString()!, new GrpcDurableTaskClientOptions { Channel = channel }, NullLogger.Instance);
    }

    [Fact]
    public async Task Start_SameIdWhilePending_TheDurableTaskCoreExceptionTheAppCatches()
    {
        // WaveStarter catches DurableTask.Core's OrchestrationAlreadyExistsException: the gRPC status AlreadyExists must
        // become that type in the worker (LocalGrpcListener's rule), or a second start is a 500.
        await using var client = Client(out var channel);
        using (channel)
        {
            // Scheduled an hour ahead, the first stays pending.
            var id = "twice-" + Guid.NewGuid().ToString("N")[..8];
            await client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", "{}", new StartOrchestrationOptions(id) { StartAt = DateTimeOffset.UtcNow.AddHours(1) });

            await Assert.ThrowsAsync<DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(
                () => client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", "{}", new StartOrchestrationOptions(id)));
        }
    }

    [Fact]
    public async Task GetInstance_Missing_Null_StartedOne_ItsNameInputAndTimes()
    {
        await using var client = Client(out var channel);
        using (channel)
        {
            Assert.Null(await client.GetInstanceAsync("nobody-" + Guid.NewGuid().ToString("N")[..8], getInputsAndOutputs: true));
            var id = "get-" + Guid.NewGuid().ToString("N")[..8];
            await client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", new { wave = "w" }, new StartOrchestrationOptions(id));

            var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true);

            Assert.NotNull(instance);
            Assert.Equal("NoSuchOrchestrator", instance.Name);
            Assert.Contains("\"wave\"", instance.SerializedInput, StringComparison.Ordinal);
            Assert.True(instance.CreatedAt > DateTimeOffset.UtcNow.AddMinutes(-5));
        }
    }

    [Fact]
    public async Task History_Missing_NotFound_StartedOne_ItsEventsAsDurableTaskCoreEvents()
    {
        await using var client = Client(out var channel);
        using (channel)
        {
            // The worker's client turns NotFound into an ArgumentException (GrpcDurableTaskClient.GetOrchestrationHistoryAsync).
            var missing = await Assert.ThrowsAsync<ArgumentException>(() => client.GetOrchestrationHistoryAsync("nobody-" + Guid.NewGuid().ToString("N")[..8]));
            Assert.Equal(Grpc.Core.StatusCode.NotFound, Assert.IsType<Grpc.Core.RpcException>(missing.InnerException).StatusCode);

            // Once the dispatcher has run its first episode, the history holds ExecutionStarted with the client's input.
            var id = "history-" + Guid.NewGuid().ToString("N")[..8];
            await client.ScheduleNewOrchestrationInstanceAsync("NoSuchOrchestrator", new { wave = "w" }, new StartOrchestrationOptions(id));
            IList<DurableTask.Core.History.HistoryEvent> history = [];
            for (var deadline = DateTime.UtcNow.AddSeconds(60); history.Count == 0 && DateTime.UtcNow < deadline; await Task.Delay(200))
            {
                history = await client.GetOrchestrationHistoryAsync(id);
            }

            var started = Assert.IsType<DurableTask.Core.History.ExecutionStartedEvent>(Assert.Single(history, e => e.EventType == DurableTask.Core.History.EventType.ExecutionStarted));
            Assert.Equal("NoSuchOrchestrator", started.Name);
            Assert.Contains("\"wave\"", started.Input, StringComparison.Ordinal);
        }
    }
}
