using System.Diagnostics;
using Pipeline.LocalHost.Rpc;

namespace Pipeline.LocalHost;

/// <summary>
/// The worker process, started as the Functions host starts a dotnet-isolated worker and restarted when it dies
/// (azure-functions-host src/WebJobs.Script/Workers/Rpc/RpcWorkerContext.cs GetFormattedArguments, and
/// RpcWorkerProcess.CreateWorkerProcess): <c>dotnet Pipeline.Functions.dll --host --port --workerId --requestId
/// --grpcMaxMessageLength --functions-uri --functions-worker-id --functions-request-id --functions-grpc-max-message-length</c>
/// in the app's folder, with the host's environment plus <c>FUNCTIONS_WORKER_DIRECTORY</c> and
/// <c>FUNCTIONS_APPLICATION_DIRECTORY</c>, and the app settings as environment variables (as on Azure).
/// </summary>
internal sealed class WorkerHost(string appDirectory, IReadOnlyDictionary<string, string?> settings, ILogger<WorkerHost> logger) : IAsyncDisposable
{
    /// <summary>The gRPC message limit the host passes (<c>int.MaxValue</c>, RpcWorkerConstants.DefaultMaxMessageLengthBytes).</summary>
    private const int MaxMessageLength = int.MaxValue;

    private readonly CancellationTokenSource _stopping = new();
    private Process? _process;
    private Task _watch = Task.CompletedTask;
    private Uri _rpc = null!;

    /// <summary>The current worker's channel; a new one after a restart.</summary>
    public WorkerChannel Channel { get; private set; } = null!;

    /// <summary>How many times the worker was started.</summary>
    public int Starts { get; private set; }

    /// <summary>The input of every <c>[DurableClient]</c> binding (see <see cref="Durable.DurableHost.ClientBinding"/>).</summary>
    public string? DurableClientInput { get; set; }

    /// <summary>
    /// An invocation of <paramref name="function"/> with <paramref name="trigger"/> as its trigger's input and, for a
    /// function with a <c>[DurableClient]</c>, the binding's input, as the host binds both.
    /// </summary>
    public Microsoft.Azure.Functions.Worker.Grpc.Messages.InvocationRequest Request(WorkerFunction function, Microsoft.Azure.Functions.Worker.Grpc.Messages.TypedData trigger)
    {
        var request = new Microsoft.Azure.Functions.Worker.Grpc.Messages.InvocationRequest { FunctionId = function.Id, InvocationId = Guid.NewGuid().ToString() };
        request.InputData.Add(new Microsoft.Azure.Functions.Worker.Grpc.Messages.ParameterBinding { Name = function.TriggerName, Data = trigger });
        if (function.DurableClient is { } client && DurableClientInput is { } input)
        {
            request.InputData.Add(new Microsoft.Azure.Functions.Worker.Grpc.Messages.ParameterBinding { Name = client, Data = new() { String = input } });
        }

        return request;
    }

    /// <summary>The worker's process id.</summary>
    public int ProcessId => _process?.Id ?? 0;

    /// <summary>Starts the worker, calling back on <paramref name="rpc"/>, and waits for its functions.</summary>
    public async Task<IReadOnlyList<WorkerFunction>> StartAsync(Uri rpc, CancellationToken cancellationToken)
    {
        _rpc = rpc;
        Channel = new WorkerChannel(appDirectory, logger);
        Launch();
        _watch = WatchAsync();
        return await Channel.Ready.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
    }

    /// <summary>Starts a worker process for the current <see cref="Channel"/>.</summary>
    private void Launch()
    {
        var workerId = Guid.NewGuid().ToString();
        var requestId = Guid.NewGuid().ToString();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = appDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
        {
            Path.Combine(appDirectory, "Pipeline.Functions.dll"),
            "--host", _rpc.Host, "--port", _rpc.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--workerId", workerId, "--requestId", requestId, "--grpcMaxMessageLength", MaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--functions-uri", _rpc.AbsoluteUri, "--functions-worker-id", workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", MaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        // No App Service Authentication stands in front of this host: a WEBSITE_AUTH_ENABLED of the developer's shell must
        // not make the worker trust an X-MS-CLIENT-PRINCIPAL header that anyone can send here (PlatformPrincipals).
        // The worker's configuration reads names in any case, so every spelling goes.
        foreach (var name in start.Environment.Keys.Where(k => string.Equals(k, "WEBSITE_AUTH_ENABLED", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["FUNCTIONS_WORKER_RUNTIME"] = "dotnet-isolated";
        start.Environment["FUNCTIONS_WORKER_DIRECTORY"] = appDirectory;
        start.Environment["FUNCTIONS_APPLICATION_DIRECTORY"] = appDirectory;
        start.Environment["AZURE_FUNCTIONS_ENVIRONMENT"] = settings.GetValueOrDefault("AZURE_FUNCTIONS_ENVIRONMENT") ?? "Development";
        _process = Process.Start(start) ?? throw new InvalidOperationException("The worker process did not start.");
        _process.OutputDataReceived += (_, e) => Output(e.Data);
        _process.ErrorDataReceived += (_, e) => Output(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Starts++;
        Log.WorkerLaunched(logger, _process.Id, Starts);
    }

    private void Output(string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Log.WorkerOutput(logger, line);
        }
    }

    /// <summary>Restarts the worker when it exits while the host runs, as the host's worker channel manager does.</summary>
    private async Task WatchAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            await _process!.WaitForExitAsync(CancellationToken.None);
            if (_stopping.IsCancellationRequested)
            {
                return;
            }

            // A new channel at once, so that requests meanwhile wait for the new worker rather than meet the dead one.
            Log.WorkerDied(logger, _process.ExitCode);
            Channel = new WorkerChannel(appDirectory, logger);
            await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            Launch();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_process is { HasExited: false } process)
        {
            Channel.Terminate();
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await _watch;
        _process?.Dispose();
        _stopping.Dispose();
    }
}
