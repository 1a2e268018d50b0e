using System.Text.Json;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using DurableTask.Core.Middleware;
using Google.Protobuf;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Pipeline.LocalHost.Rpc;
using P = Microsoft.DurableTask.Protobuf;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// Durable Functions' host side for an out-of-process worker, on DurableTask.Core and its Azure Storage backend (the
/// engine and layout Durable Functions uses): a <see cref="TaskHubWorker"/> whose dispatcher middlewares run each
/// orchestration episode and each activity in the worker, over the Functions RPC protocol, as
/// azure-functions-durable-extension's OutOfProcMiddleware does (see docs/local-host-durable.md):
/// <list type="bullet">
/// <item>an orchestration's trigger input is the base64 <c>OrchestratorRequest</c> (past and new events); its return value
/// the base64 <c>OrchestratorResponse</c>, whose actions and custom status go back to the dispatcher;</item>
/// <item>an activity's input is the JSON of its argument (the one element of DurableTask.Core's input array), with
/// trigger metadata <c>instanceId</c>; its return value (JSON) completes the task, a failure fails it with its details;</item>
/// <item>a worker that dies during an episode abandons the work item (<see cref="SessionAbortedException"/>), so it runs
/// again on the restarted worker.</item>
/// </list>
/// </summary>
internal sealed class DurableHost : IAsyncDisposable
{
    private readonly WorkerHost _worker;
    private readonly ILogger _logger;
    private TaskHubWorker? _engine;

    public DurableHost(WorkerHost worker, IReadOnlyDictionary<string, string?> settings, string appDirectory, ILoggerFactory loggers)
    {
        _worker = worker;
        _logger = loggers.CreateLogger<DurableHost>();
        Settings = TaskHubSettings.Read(appDirectory, settings, loggers);
        Service = new AzureStorageOrchestrationService(Settings);
        Client = new TaskHubClient(Service, new RawJson(), loggers);
    }

    public AzureStorageOrchestrationServiceSettings Settings { get; }

    public AzureStorageOrchestrationService Service { get; }

    /// <summary>A client whose inputs are JSON already (the worker serialized them): passed on as they are.</summary>
    public TaskHubClient Client { get; }

    public async Task StartAsync(ILoggerFactory loggers)
    {
        await Service.CreateIfNotExistsAsync();
        _engine = new TaskHubWorker(Service, new AnyName<TaskOrchestration>(() => new NotHere()), new AnyName<TaskActivity>(() => new NotHereActivity()), loggers);
        _engine.AddOrchestrationDispatcherMiddleware(CallOrchestratorAsync);
        _engine.AddActivityDispatcherMiddleware(CallActivityAsync);
        await _engine.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_engine is { } engine)
        {
            await engine.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private async Task CallOrchestratorAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        var state = context.GetProperty<OrchestrationRuntimeState>();
        var instance = context.GetProperty<OrchestrationInstance>();
        if (state?.Name is null || await FunctionAsync(state.Name, "orchestrationTrigger") is not { } function)
        {
            context.SetProperty(OrchestratorExecutionResult.ForFailure($"No orchestrator function '{state?.Name}' in the worker.", details: null));
            return;
        }

        var request = new P.OrchestratorRequest { InstanceId = instance?.InstanceId ?? state.OrchestrationInstance?.InstanceId ?? string.Empty };
        request.PastEvents.Add(state.PastEvents.Select(ProtoMapping.ToProto));
        request.NewEvents.Add(state.NewEvents.Select(ProtoMapping.ToProto));
        var response = await InvokeAsync(function, new TypedData { String = Convert.ToBase64String(request.ToByteArray()) }, request.InstanceId);
        if (response.Result.Status != StatusResult.Types.Status.Success)
        {
            context.SetProperty(OrchestratorExecutionResult.ForFailure($"Function '{function.Name}' failed with an unhandled exception.", response.Result.Exception?.Message));
            return;
        }

        var encoded = Text(response.ReturnValue) ?? throw new SessionAbortedException($"Function '{function.Name}' returned no OrchestratorResponse.");
        var result = P.OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(encoded));
        context.SetProperty(new OrchestratorExecutionResult
        {
            Actions = [.. result.Actions.Select(ProtoMapping.ToCore)],
            CustomStatus = result.CustomStatus,
        });
    }

    private async Task CallActivityAsync(DispatchMiddlewareContext context, Func<Task> next)
    {
        var scheduled = context.GetProperty<TaskScheduledEvent>();
        var instance = context.GetProperty<OrchestrationInstance>();
        if (await FunctionAsync(scheduled.Name ?? string.Empty, "activityTrigger") is not { } function)
        {
            context.SetProperty(new ActivityExecutionResult { ResponseEvent = new TaskFailedEvent(-1, scheduled.EventId, $"No activity function '{scheduled.Name}' in the worker.", null) });
            return;
        }

        // DurableTask.Core keeps an activity's arguments as an array; isolated workers get its one element
        // (DurableActivityContext: inputsAreArrays for dotnet-isolated).
        var input = "null";
        if (!string.IsNullOrEmpty(scheduled.Input))
        {
            using var array = JsonDocument.Parse(scheduled.Input);
            input = array.RootElement.ValueKind == JsonValueKind.Array && array.RootElement.GetArrayLength() == 1
                ? array.RootElement[0].GetRawText()
                : array.RootElement.GetRawText();
        }

        var response = await InvokeAsync(function, new TypedData { String = input }, instance?.InstanceId ?? string.Empty);
        HistoryEvent outcome = response.Result.Status == StatusResult.Types.Status.Success
            ? new TaskCompletedEvent(-1, scheduled.EventId, Json(response.ReturnValue))
            : new TaskFailedEvent(-1, scheduled.EventId, $"Function '{function.Name}' failed with an unhandled exception.", null, new FailureDetails(
                response.Result.Exception?.Type ?? "Exception", response.Result.Exception?.Message ?? "The activity failed.", response.Result.Exception?.StackTrace, null, false));
        context.SetProperty(new ActivityExecutionResult { ResponseEvent = outcome });
    }

    /// <summary>The worker's function of that name and trigger: Durable Functions names orchestrations and activities after their functions.</summary>
    private async Task<WorkerFunction?> FunctionAsync(string name, string trigger) =>
        (await _worker.Channel.Ready.WaitAsync(TimeSpan.FromMinutes(2))).FirstOrDefault(f =>
            f.Name.Equals(name, StringComparison.OrdinalIgnoreCase) && f.TriggerType.Equals(trigger, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The input of a <c>[DurableClient]</c> binding: where its gRPC client finds the task hub (Durable Functions'
    /// BindingHelper; the worker's DurableTaskClientConverter reads rpcBaseUrl, taskHubName, connectionName and the
    /// message size).
    /// </summary>
    public string ClientBinding(Uri rpc) => JsonSerializer.Serialize(new
    {
        taskHubName = Settings.TaskHubName,
        connectionName = "AzureWebJobsStorage",
        rpcBaseUrl = rpc.AbsoluteUri,
        requiredQueryStringParameters = string.Empty,
        httpBaseUrl = string.Empty,

        // Without it the worker's client takes 0, and every answer "exceeds the maximum message size" (LocalGrpcListener
        // sends int.MaxValue).
        maxGrpcMessageSizeInBytes = int.MaxValue,
    });

    private async Task<InvocationResponse> InvokeAsync(WorkerFunction function, TypedData input, string instanceId)
    {
        try
        {
            var channel = _worker.Channel;
            await channel.Ready.WaitAsync(TimeSpan.FromMinutes(2));
            var request = _worker.Request(function, input);
            request.TriggerMetadata["instanceId"] = new TypedData { String = instanceId };
            return await channel.InvokeAsync(request, CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or TimeoutException or InvalidOperationException)
        {
            // The worker died or is starting again: the work item is abandoned and dispatched again (OutOfProcMiddleware).
            Log.WorkItemAborted(_logger, function.Name, e.GetType().Name);
            throw new SessionAbortedException($"The worker did not answer for '{function.Name}'.");
        }
    }

    /// <summary>A return value as text: a string, or JSON text.</summary>
    private static string? Text(TypedData? data) => data?.DataCase switch
    {
        TypedData.DataOneofCase.String => data.String,
        TypedData.DataOneofCase.Json => JsonSerializer.Deserialize<string>(data.Json),
        _ => null,
    };

    /// <summary>A return value as the JSON the task hub stores.</summary>
    private static string? Json(TypedData? data) => data?.DataCase switch
    {
        TypedData.DataOneofCase.Json => data.Json,
        TypedData.DataOneofCase.String => JsonSerializer.Serialize(data.String),
        TypedData.DataOneofCase.Int => data.Int.ToString(System.Globalization.CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Double => data.Double.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Answers every name: the middlewares run them in the worker, never these objects.</summary>
    private sealed class AnyName<T>(Func<T> create) : INameVersionObjectManager<T>
    {
        public void Add(ObjectCreator<T> creator) => throw new NotSupportedException("The worker's functions are the orchestrations and activities.");

        public T GetObject(string name, string? version) => create();
    }

    private sealed class NotHere : TaskOrchestration
    {
        public override Task<string> Execute(OrchestrationContext context, string input) => throw new NotSupportedException();

        public override string GetStatus() => throw new NotSupportedException();

        public override void RaiseEvent(OrchestrationContext context, string name, string input) => throw new NotSupportedException();
    }

    private sealed class NotHereActivity : TaskActivity
    {
        public override string Run(TaskContext context, string input) => throw new NotSupportedException();

        public override Task<string> RunAsync(TaskContext context, string input) => throw new NotSupportedException();
    }

    /// <summary>Inputs that are JSON already go through as they are; anything else is serialized.</summary>
    private sealed class RawJson : DurableTask.Core.Serializing.DataConverter
    {
        public override string Serialize(object value) => value as string ?? JsonSerializer.Serialize(value);

        public override string Serialize(object value, bool formatted) => Serialize(value);

        public override object Deserialize(string data, Type objectType) => data;
    }
}
