using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.Query;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using P = Microsoft.DurableTask.Protobuf;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// The task-hub service a <c>[DurableClient]</c> in the worker calls (<c>TaskHubSidecarService</c>, over plain HTTP/2 at
/// the binding's <c>rpcBaseUrl</c>), on DurableTask.Core, with the rules of Durable Functions' LocalGrpcListener: a start
/// is refused while an instance with the id is pending, running or suspended (gRPC <c>AlreadyExists</c>); inputs and
/// outputs pass as the JSON the worker wrote; a missing instance is <c>exists = false</c>.
/// </summary>
internal sealed class TaskHubService(DurableHost hub) : P.TaskHubSidecarService.TaskHubSidecarServiceBase
{
    private static readonly OrchestrationStatus[] Active = [OrchestrationStatus.Pending, OrchestrationStatus.Running, OrchestrationStatus.ContinuedAsNew, OrchestrationStatus.Suspended];

    public override Task<Empty> Hello(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task<P.CreateInstanceResponse> StartInstance(P.CreateInstanceRequest request, ServerCallContext context)
    {
        try
        {
            var instance = request.ScheduledStartTimestamp is { } at
                ? await hub.Client.CreateOrchestrationInstanceAsync(request.Name, request.Version ?? string.Empty, request.InstanceId, request.Input, null, Active, at.ToDateTime())
                : await hub.Client.CreateOrchestrationInstanceAsync(request.Name, request.Version ?? string.Empty, request.InstanceId, request.Input, null, Active);
            return new P.CreateInstanceResponse { InstanceId = instance.InstanceId };
        }
        catch (OrchestrationAlreadyExistsException e)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, e.Message));
        }
    }

    public override async Task<P.GetInstanceResponse> GetInstance(P.GetInstanceRequest request, ServerCallContext context)
    {
        var state = (await hub.Service.GetOrchestrationStateAsync(request.InstanceId, allExecutions: false)).FirstOrDefault();
        return state is null
            ? new P.GetInstanceResponse { Exists = false }
            : new P.GetInstanceResponse { Exists = true, OrchestrationState = ToProto(state, request.GetInputsAndOutputs) };
    }

    public override async Task<P.QueryInstancesResponse> QueryInstances(P.QueryInstancesRequest request, ServerCallContext context)
    {
        var query = request.Query;
        var result = await hub.Service.GetOrchestrationWithQueryAsync(
            new OrchestrationQuery
            {
                CreatedTimeFrom = query.CreatedTimeFrom?.ToDateTime(),
                CreatedTimeTo = query.CreatedTimeTo?.ToDateTime(),
                RuntimeStatus = query.RuntimeStatus.Count > 0 ? [.. query.RuntimeStatus.Select(s => (OrchestrationStatus)s)] : null,
                InstanceIdPrefix = query.InstanceIdPrefix,
                PageSize = query.MaxInstanceCount > 0 ? query.MaxInstanceCount : 100,
                ContinuationToken = query.ContinuationToken,
                FetchInputsAndOutputs = query.FetchInputsAndOutputs,
            },
            context.CancellationToken);
        var response = new P.QueryInstancesResponse { ContinuationToken = result.ContinuationToken };
        response.OrchestrationState.Add(result.OrchestrationState.Select(s => ToProto(s, query.FetchInputsAndOutputs)));
        return response;
    }

    /// <summary>
    /// The history of the instance's current execution, in chunks; an unknown instance is gRPC <c>NotFound</c>
    /// (azure-functions-durable-extension LocalGrpcListener.StreamInstanceHistory). The worker's client turns the
    /// protobuf events back into DurableTask.Core's (<c>GetOrchestrationHistoryAsync</c>).
    /// </summary>
    public override async Task StreamInstanceHistory(P.StreamInstanceHistoryRequest request, IServerStreamWriter<P.HistoryChunk> responseStream, ServerCallContext context)
    {
        if ((await hub.Service.GetOrchestrationStateAsync(request.InstanceId, allExecutions: false)).FirstOrDefault() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"An orchestration with the instanceId {request.InstanceId} was not found."));
        }

        var history = CoreHistory.Parse(await hub.Service.GetOrchestrationHistoryAsync(request.InstanceId, request.ExecutionId));
        foreach (var chunk in history.Chunk(HistoryChunkEvents))
        {
            var message = new P.HistoryChunk();
            message.Events.AddRange(chunk.Select(ProtoMapping.ToProto));
            await responseStream.WriteAsync(message, context.CancellationToken);
        }
    }

    private const int HistoryChunkEvents = 500;

    public override async Task<P.RaiseEventResponse> RaiseEvent(P.RaiseEventRequest request, ServerCallContext context)
    {
        await hub.Client.RaiseEventAsync(new OrchestrationInstance { InstanceId = request.InstanceId }, request.Name, request.Input);
        return new P.RaiseEventResponse();
    }

    public override async Task<P.TerminateResponse> TerminateInstance(P.TerminateRequest request, ServerCallContext context)
    {
        await hub.Client.TerminateInstanceAsync(new OrchestrationInstance { InstanceId = request.InstanceId }, request.Output);
        return new P.TerminateResponse();
    }

    public override async Task<P.PurgeInstancesResponse> PurgeInstances(P.PurgeInstancesRequest request, ServerCallContext context)
    {
        var purge = (DurableTask.Core.IOrchestrationServicePurgeClient)hub.Service;
        var result = !string.IsNullOrEmpty(request.InstanceId)
            ? await purge.PurgeInstanceStateAsync(request.InstanceId)
            : await purge.PurgeInstanceStateAsync(new PurgeInstanceFilter(
                request.PurgeInstanceFilter.CreatedTimeFrom?.ToDateTime() ?? DateTime.MinValue,
                request.PurgeInstanceFilter.CreatedTimeTo?.ToDateTime(),
                request.PurgeInstanceFilter.RuntimeStatus.Count > 0 ? [.. request.PurgeInstanceFilter.RuntimeStatus.Select(s => (OrchestrationStatus)s)] : null));
        return new P.PurgeInstancesResponse { DeletedInstanceCount = result.DeletedInstanceCount };
    }

    private static P.OrchestrationState ToProto(OrchestrationState state, bool inputsAndOutputs)
    {
        var proto = new P.OrchestrationState
        {
            InstanceId = state.OrchestrationInstance.InstanceId,
            Name = state.Name ?? string.Empty,
            Version = state.Version,
            OrchestrationStatus = (P.OrchestrationStatus)state.OrchestrationStatus,
            CreatedTimestamp = ProtoMapping.Time(state.CreatedTime),
            LastUpdatedTimestamp = ProtoMapping.Time(state.LastUpdatedTime),
            ScheduledStartTimestamp = state.ScheduledStartTime is { } at ? ProtoMapping.Time(at) : null,
        };
        if (inputsAndOutputs)
        {
            proto.Input = state.Input;
            proto.Output = state.Output;
            proto.CustomStatus = state.Status;
            proto.FailureDetails = ProtoMapping.Failure(state.FailureDetails);
        }

        return proto;
    }
}
