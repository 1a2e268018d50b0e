using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Platform;
using Pipeline.Storage.Azure;
using Core = DurableTask.Core;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;
using OrchestrationQuery = Microsoft.DurableTask.Client.OrchestrationQuery;
using PurgeResult = Microsoft.DurableTask.Client.PurgeResult;

namespace Pipeline.InProcess;

/// <summary>
/// Microsoft.DurableTask's <see cref="DurableTaskClient"/> over DurableTask.Core's <see cref="TaskHubClient"/> and the
/// backend's query and purge interfaces: what upstream's OrchestrationServiceClientShim package does, which the feed
/// lacks. Inputs, events and outputs go through <see cref="DurableData"/>, the serializer the worker's shims use. Storage
/// failures become <see cref="Pipeline.Storage.StoreException"/>s; the hub's queues and tables are created on first use.
/// </summary>
internal sealed class HubClient : DurableTaskClient
{
    /// <summary>A start is refused while an instance with the id is in one of these (Durable Functions' default).</summary>
    private static readonly OrchestrationStatus[] Active = [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Suspended];

    private readonly LocalTaskHub _hub;
    private readonly TaskHubClient _client;

    public HubClient(LocalTaskHub hub, ILoggerFactory loggers)
        : base(hub.HubName)
    {
        _hub = hub;
        _client = new TaskHubClient(hub.Service, CoreData, loggers);
    }

    /// <summary>
    /// Schedules an instance. An instance with the same id that is still pending or running refuses it with
    /// DurableTask.Core's <see cref="Core.Exceptions.OrchestrationAlreadyExistsException"/>, as the worker's gRPC client
    /// does; a finished one is replaced.
    /// </summary>
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(TaskName orchestratorName, object? input = null, StartOrchestrationOptions? options = null, CancellationToken cancellation = default)
    {
        var id = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        await ReadyAsync(cancellation);
        var instance = await AzureErrors.Run(LocalTaskHub.Hub, () => options?.StartAt is { } at
            ? _client.CreateOrchestrationInstanceAsync(orchestratorName.Name, options.Version ?? string.Empty, id, input, null, Active, at.UtcDateTime)
            : _client.CreateOrchestrationInstanceAsync(orchestratorName.Name, options?.Version ?? string.Empty, id, input, null, Active));
        return instance.InstanceId;
    }

    public override async Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellation = default)
    {
        await ReadyAsync(cancellation);
        await AzureErrors.Run(LocalTaskHub.Hub, () => _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, eventPayload!));
    }

    public override async Task TerminateInstanceAsync(string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        await ReadyAsync(cancellation);
        var reason = options?.Output is { } output ? DurableData.Converter.Serialize(output) : null;
        await AzureErrors.Run(LocalTaskHub.Hub, () => _client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason!));
    }

    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new Core.History.ExecutionSuspendedEvent(-1, reason), cancellation);

    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        SendAsync(instanceId, new Core.History.ExecutionResumedEvent(-1, reason), cancellation);

    public override async Task<OrchestrationMetadata?> GetInstancesAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        await ReadyAsync(cancellation);
        var state = await AzureErrors.Run(LocalTaskHub.Hub, () => _client.GetOrchestrationStateAsync(instanceId));
        return state is null ? null : Metadata(state, getInputsAndOutputs);
    }

    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(async (continuation, pageSize, cancellation) =>
        {
            await ReadyAsync(cancellation);
            var query = new CoreQuery
            {
                RuntimeStatus = filter?.Statuses?.Select(s => (OrchestrationStatus)(int)s).ToList(),
                CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                ContinuationToken = continuation ?? filter?.ContinuationToken,
                InstanceIdPrefix = filter?.InstanceIdPrefix,
                FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
            };
            var result = await AzureErrors.Run(LocalTaskHub.Hub, () => _hub.Service.GetOrchestrationWithQueryAsync(query, cancellation));
            return new Page<OrchestrationMetadata>([.. result.OrchestrationState.Select(s => Metadata(s, query.FetchInputsAndOutputs))], result.ContinuationToken);
        });

    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        while (true)
        {
            var instance = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation)
                ?? throw new InvalidOperationException($"No instance has id '{instanceId}'.");
            if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return instance;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
    }

    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
    {
        await ReadyAsync(cancellation);
        var state = await AzureErrors.Run(LocalTaskHub.Hub, () => _hub.Service.WaitForOrchestrationAsync(instanceId, null!, Timeout.InfiniteTimeSpan, cancellation));
        return Metadata(state ?? throw new InvalidOperationException($"No instance has id '{instanceId}'."), getInputsAndOutputs);
    }

    /// <summary>Purges a finished instance: its history, state and large payloads; refuses one that still runs.</summary>
    public override async Task<PurgeResult> PurgeInstanceAsync(string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        if (await GetInstancesAsync(instanceId, false, cancellation) is not { } instance)
        {
            return new PurgeResult(0);
        }

        if (!instance.IsCompleted)
        {
            throw new InvalidOperationException($"Instance '{instanceId}' is {instance.RuntimeStatus}; only a finished instance can be purged.");
        }

        var result = await AzureErrors.Run(LocalTaskHub.Hub, () => ((IOrchestrationServicePurgeClient)_hub.Service).PurgeInstanceStateAsync(instanceId));
        return new PurgeResult(result.DeletedInstanceCount);
    }

    public override async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await ReadyAsync(cancellation);
        var core = new PurgeInstanceFilter(
            filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue,
            filter.CreatedTo?.UtcDateTime,
            filter.Statuses?.Select(s => (OrchestrationStatus)(int)s));
        var result = await AzureErrors.Run(LocalTaskHub.Hub, () => ((IOrchestrationServicePurgeClient)_hub.Service).PurgeInstanceStateAsync(core));
        return new PurgeResult(result.DeletedInstanceCount);
    }

    /// <summary>
    /// The history of the instance's current execution, oldest first, read as the local Functions host reads it.
    /// </summary>
    public override async Task<IList<Core.History.HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellation = default)
    {
        await ReadyAsync(cancellation);
        var json = await AzureErrors.Run(LocalTaskHub.Hub, () => _hub.Service.GetOrchestrationHistoryAsync(instanceId, null));
        return Pipeline.LocalHost.Durable.CoreHistory.Parse(json);
    }

    /// <summary><see cref="DurableData"/>'s serializer in DurableTask.Core's shape, for its client's inputs and events.</summary>
    private static readonly Core.Serializing.DataConverter CoreData = new CoreShape();

    private sealed class CoreShape : Core.Serializing.DataConverter
    {
        public override string Serialize(object value) => DurableData.Converter.Serialize(value)!;

        public override string Serialize(object value, bool formatted) => DurableData.Converter.Serialize(value)!;

        public override object Deserialize(string data, Type objectType) => DurableData.Converter.Deserialize(data, objectType)!;
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task SendAsync(string instanceId, Core.History.HistoryEvent @event, CancellationToken cancellation)
    {
        await ReadyAsync(cancellation);
        await AzureErrors.Run(LocalTaskHub.Hub, () => _hub.Service.SendTaskOrchestrationMessageAsync(new TaskMessage
        {
            OrchestrationInstance = new OrchestrationInstance { InstanceId = instanceId },
            Event = @event,
        }));
    }

    private Task ReadyAsync(CancellationToken cancellation) => _hub.EnsureCreatedAsync(cancellation);

    private static OrchestrationMetadata Metadata(OrchestrationState state, bool withData) => new(state.Name, state.OrchestrationInstance.InstanceId)
    {
        DataConverter = withData ? DurableData.Converter : null,
        RuntimeStatus = (OrchestrationRuntimeStatus)(int)state.OrchestrationStatus,
        CreatedAt = DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc),
        LastUpdatedAt = DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc),
        SerializedInput = withData ? state.Input : null,
        SerializedOutput = withData ? state.Output : null,
        SerializedCustomStatus = state.Status,
        FailureDetails = state.FailureDetails is { } failure
            ? new TaskFailureDetails(failure.ErrorType, failure.ErrorMessage, failure.StackTrace, null, null)
            : null,
    };
}
