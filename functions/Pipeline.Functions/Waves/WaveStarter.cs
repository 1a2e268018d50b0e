using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.WaveRun;

namespace Pipeline.Functions.Waves;

/// <summary>Starts a wave's orchestration (instance id = wave id) and moves the wave into fieldwork.</summary>
internal sealed class WaveStarter(WaveStore store, Microsoft.Extensions.Options.IOptions<WaveOptions> options, TimeProvider time)
{
    /// <summary>
    /// Starts the run on <paramref name="client"/>'s task hub; false when the wave was already started. Durable Functions'
    /// host answers a start of an instance that is still active with the gRPC status AlreadyExists
    /// (azure-functions-durable-extension src/WebJobs.Extensions.DurableTask/LocalGrpcListener.cs, StartInstance:
    /// <c>catch (OrchestrationAlreadyExistsException) { throw new RpcException(new Status(StatusCode.AlreadyExists, ...)) }</c>),
    /// which the worker's gRPC client turns back into DurableTask.Core's OrchestrationAlreadyExistsException
    /// (GrpcDurableTaskClient.ScheduleNewOrchestrationInstanceAsync; tested in TaskHubServiceTests).
    /// </summary>
    public async Task<bool> StartAsync(DurableTaskClient client, WaveRecord wave, DateTime reminderAt, DateTime closeAt, CancellationToken cancellationToken)
    {
        var id = wave.Definition.Id;
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(WaveOrchestrator), new WaveRunInput(id, reminderAt, closeAt, wave.Definition.RetentionDays, RetryPause: options.Value.RetryPause, FirstRetry: options.Value.FirstRetry), new StartOrchestrationOptions(id), cancellationToken);
        }
        catch (DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException)
        {
            return false;
        }

        await WaveLifecycle.UpdateAsync(store, id, w => w.Phase == WavePhase.Draft ? w with { Phase = WavePhase.Fieldwork, StartedAt = time.GetUtcNow() } : w, cancellationToken);
        return true;
    }
}
