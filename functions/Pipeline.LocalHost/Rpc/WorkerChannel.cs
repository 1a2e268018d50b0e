using System.Collections.Concurrent;
using System.Text.Json;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;

namespace Pipeline.LocalHost.Rpc;

/// <summary>A function the worker indexed and loaded: its id, name, trigger binding and the trigger's raw settings.</summary>
internal sealed record WorkerFunction(string Id, string Name, string TriggerName, string TriggerType, JsonElement Trigger)
{
    /// <summary>The name of its <c>[DurableClient]</c> binding, if it has one.</summary>
    public string? DurableClient { get; init; }
}

/// <summary>
/// One worker's <c>FunctionRpc.EventStream</c>, with the Functions host's side of the handshake
/// (azure-functions-host src/WebJobs.Script.Grpc/Channel/GrpcWorkerChannel.cs): the worker opens with
/// <c>StartStream</c>; the host sends <c>WorkerInitRequest</c> and reads the worker's capabilities (<c>HttpUri</c>, where
/// the ASP.NET Core integration listens); then <c>FunctionsMetadataRequest</c> (the worker indexes its functions), and one
/// <c>FunctionLoadRequest</c> per function, each answered before any invocation. Invocations are matched to their
/// responses by id; the worker's logs go to the host's log.
/// </summary>
internal sealed class WorkerChannel(string appDirectory, ILogger logger)
{
    private readonly Channel<StreamingMessage> _outbound = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<InvocationResponse>> _invocations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<IReadOnlyList<WorkerFunction>> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Where the worker's ASP.NET Core integration takes the HTTP requests it is invoked for (capability <c>HttpUri</c>).</summary>
    public Uri? HttpUri { get; private set; }

    /// <summary>The loaded functions, once the handshake is done.</summary>
    public Task<IReadOnlyList<WorkerFunction>> Ready => _ready.Task;

    /// <summary>Runs the stream until the worker ends it; the handshake first.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> inbound, IServerStreamWriter<StreamingMessage> outbound, CancellationToken cancellationToken)
    {
        var writer = Task.Run(async () =>
        {
            await foreach (var message in _outbound.Reader.ReadAllAsync(cancellationToken))
            {
                await outbound.WriteAsync(message, cancellationToken);
            }
        }, cancellationToken);
        try
        {
            await HandshakeAsync(inbound, cancellationToken);
            while (await inbound.MoveNext(cancellationToken))
            {
                Dispatch(inbound.Current);
            }
        }
        catch (Exception e) when (!_ready.Task.IsCompleted)
        {
            _ready.TrySetException(e);
            throw;
        }
        finally
        {
            _outbound.Writer.TryComplete();
            foreach (var pending in _invocations.Values)
            {
                pending.TrySetException(new IOException("The worker ended its stream."));
            }
        }

        await writer;
    }

    /// <summary>Sends an invocation and waits for its response.</summary>
    public async Task<InvocationResponse> InvokeAsync(InvocationRequest request, CancellationToken cancellationToken)
    {
        // The worker dereferences the trace context (GrpcFunctionInvocation); the host sends an empty traceparent without an activity.
        request.TraceContext ??= new RpcTraceContext { TraceParent = System.Diagnostics.Activity.Current?.Id ?? string.Empty, TraceState = string.Empty };
        var response = new TaskCompletionSource<InvocationResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        _invocations[request.InvocationId] = response;
        await using var cancel = cancellationToken.Register(() =>
        {
            _outbound.Writer.TryWrite(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = request.InvocationId } });
            response.TrySetCanceled(cancellationToken);
        });
        await _outbound.Writer.WriteAsync(new StreamingMessage { InvocationRequest = request }, cancellationToken);
        try
        {
            return await response.Task;
        }
        finally
        {
            _invocations.TryRemove(request.InvocationId, out _);
        }
    }

    /// <summary>Asks the worker to stop (<c>WorkerTerminate</c>, 5 s of grace as the host gives).</summary>
    public void Terminate() =>
        _outbound.Writer.TryWrite(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromSeconds(5)) } });

    private async Task HandshakeAsync(IAsyncStreamReader<StreamingMessage> inbound, CancellationToken cancellationToken)
    {
        var start = await NextAsync(inbound, StreamingMessage.ContentOneofCase.StartStream, cancellationToken);
        Log.WorkerConnected(logger, start.StartStream.WorkerId);
        await _outbound.Writer.WriteAsync(new StreamingMessage
        {
            WorkerInitRequest = new WorkerInitRequest { HostVersion = "4.0.0-pipeline-local", FunctionAppDirectory = appDirectory, WorkerDirectory = appDirectory },
        }, cancellationToken);
        var init = (await NextAsync(inbound, StreamingMessage.ContentOneofCase.WorkerInitResponse, cancellationToken)).WorkerInitResponse;
        Check(init.Result, "WorkerInit");
        HttpUri = init.Capabilities.TryGetValue("HttpUri", out var uri) ? new Uri(uri) : null;

        await _outbound.Writer.WriteAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = appDirectory } }, cancellationToken);
        var metadata = (await NextAsync(inbound, StreamingMessage.ContentOneofCase.FunctionMetadataResponse, cancellationToken)).FunctionMetadataResponse;
        Check(metadata.Result, "FunctionsMetadata");
        var functions = new List<WorkerFunction>();
        foreach (var function in metadata.FunctionMetadataResults)
        {
            // One load request per function (the worker does not take FunctionLoadRequestCollection), its bindings as indexed.
            var load = new FunctionLoadRequest
            {
                FunctionId = function.FunctionId,
                Metadata = new RpcFunctionMetadata
                {
                    Name = function.Name,
                    Directory = appDirectory,
                    EntryPoint = function.EntryPoint,
                    ScriptFile = function.ScriptFile,
                    IsProxy = false,
                },
            };
            load.Metadata.Bindings.Add(function.Bindings);
            await _outbound.Writer.WriteAsync(new StreamingMessage { FunctionLoadRequest = load }, cancellationToken);
            var loaded = (await NextAsync(inbound, StreamingMessage.ContentOneofCase.FunctionLoadResponse, cancellationToken)).FunctionLoadResponse;
            Check(loaded.Result, "FunctionLoad " + function.Name);
            functions.Add(Describe(function));
        }

        Log.FunctionsLoaded(logger, functions.Count);
        _ready.TrySetResult(functions);
    }

    private static WorkerFunction Describe(RpcFunctionMetadata function)
    {
        WorkerFunction? described = null;
        string? client = null;
        foreach (var raw in function.RawBindings)
        {
            using var binding = JsonDocument.Parse(raw);
            var type = binding.RootElement.GetProperty("type").GetString()!;
            var name = binding.RootElement.GetProperty("name").GetString()!;
            if (type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase))
            {
                described = new WorkerFunction(function.FunctionId, function.Name, name, type, binding.RootElement.Clone());
            }
            else if (type.Equals("durableClient", StringComparison.OrdinalIgnoreCase))
            {
                client = name;
            }
        }

        return described is null
            ? throw new InvalidOperationException($"Function '{function.Name}' has no trigger binding.")
            : described with { DurableClient = client };
    }

    /// <summary>The next message of <paramref name="expected"/> kind; logs that come between are written out.</summary>
    private async Task<StreamingMessage> NextAsync(IAsyncStreamReader<StreamingMessage> inbound, StreamingMessage.ContentOneofCase expected, CancellationToken cancellationToken)
    {
        while (await inbound.MoveNext(cancellationToken))
        {
            if (inbound.Current.ContentCase == expected)
            {
                return inbound.Current;
            }

            Dispatch(inbound.Current);
        }

        throw new IOException($"The worker ended its stream before {expected}.");
    }

    private void Dispatch(StreamingMessage message)
    {
        switch (message.ContentCase)
        {
            case StreamingMessage.ContentOneofCase.InvocationResponse:
                if (_invocations.TryGetValue(message.InvocationResponse.InvocationId, out var pending))
                {
                    pending.TrySetResult(message.InvocationResponse);
                }

                break;
            case StreamingMessage.ContentOneofCase.RpcLog:
                var log = message.RpcLog;
                var level = log.Level switch
                {
                    RpcLog.Types.Level.Trace => LogLevel.Trace,
                    RpcLog.Types.Level.Debug => LogLevel.Debug,
                    RpcLog.Types.Level.Information => LogLevel.Information,
                    RpcLog.Types.Level.Warning => LogLevel.Warning,
                    RpcLog.Types.Level.Error => LogLevel.Error,
                    RpcLog.Types.Level.Critical => LogLevel.Critical,
                    _ => LogLevel.None,
                };
                if (level != LogLevel.None)
                {
                    // The worker's own filters ran already (PrivacyLogging): its lines carry no token or person.
                    Log.WorkerLog(logger, level, log.Category, log.Message, log.Exception?.Message);
                }

                break;
            case StreamingMessage.ContentOneofCase.WorkerStatusRequest:
                _outbound.Writer.TryWrite(new StreamingMessage { WorkerStatusResponse = new WorkerStatusResponse() });
                break;
        }
    }

    private static void Check(StatusResult result, string step)
    {
        if (result.Status != StatusResult.Types.Status.Success)
        {
            throw new InvalidOperationException($"The worker failed {step}: {result.Exception?.Message ?? result.Status.ToString()}");
        }
    }
}
