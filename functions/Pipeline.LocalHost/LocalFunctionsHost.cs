using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Pipeline.LocalHost.Rpc;
using Pipeline.Storage;

namespace Pipeline.LocalHost;

/// <summary>
/// The local Functions host: an RPC server the worker calls back, the worker process, and the HTTP front end built from
/// the functions the worker indexed. Development only; never deployed.
/// </summary>
internal sealed class LocalFunctionsHost : IAsyncDisposable
{
    private readonly WebApplication _rpc;
    private readonly WebApplication _front;

    private readonly CancellationTokenSource _stopping;
    private readonly Task _triggers;

    private LocalFunctionsHost(WebApplication rpc, WebApplication front, WorkerHost worker, IReadOnlyList<WorkerFunction> functions, CancellationTokenSource stopping, Task triggers)
    {
        _rpc = rpc;
        _front = front;
        Worker = worker;
        Functions = functions;
        _stopping = stopping;
        _triggers = triggers;
    }

    public WorkerHost Worker { get; }

    /// <summary>The task hub the worker's orchestrations, activities and clients use.</summary>
    public Durable.DurableHost Durable { get; private init; } = null!;

    public IReadOnlyList<WorkerFunction> Functions { get; }

    /// <summary>The host's loggers (the demo logs through them too).</summary>
    public ILoggerFactory Loggers { get; private init; } = null!;

    /// <summary>The front end's address, e.g. http://localhost:7071 (the bound port when asked for port 0).</summary>
    public string Address => _front.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
        .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();

    /// <summary>
    /// Starts the host for the built app in <paramref name="appDirectory"/>, passing <paramref name="settings"/> to the worker
    /// as app settings, serving HTTP on <paramref name="urls"/>.
    /// </summary>
    public static async Task<LocalFunctionsHost> StartAsync(string appDirectory, IReadOnlyDictionary<string, string?> settings, string urls, Action<ILoggingBuilder>? logging = null, CancellationToken cancellationToken = default)
    {
        // 1. The RPC server, plain HTTP/2 on loopback, as the host's AspNetCoreGrpcServer listens (127.0.0.1, Http2).
        var rpcBuilder = WebApplication.CreateSlimBuilder();
        logging?.Invoke(rpcBuilder.Logging);
        rpcBuilder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        rpcBuilder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = null;
            o.MaxSendMessageSize = null;
        });
        // One logger factory for the host's own parts, disposed with the host.
        var loggers = LoggerFactory.Create(b =>
        {
            b.AddSimpleConsole(o => o.SingleLine = true);
            logging?.Invoke(b);
        });
        var worker = new WorkerHost(appDirectory, settings, loggers.CreateLogger<WorkerHost>());
        var durable = new Durable.DurableHost(worker, settings, appDirectory, loggers);
        rpcBuilder.Services.AddSingleton(worker);
        rpcBuilder.Services.AddSingleton(durable);
        var rpc = rpcBuilder.Build();
        rpc.MapGrpcService<FunctionRpcService>();
        rpc.MapGrpcService<Durable.TaskHubService>();
        await rpc.StartAsync(cancellationToken);
        var rpcUri = new Uri(rpc.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
        worker.DurableClientInput = durable.ClientBinding(rpcUri);

        // 2. The worker, then its functions, then the task hub that runs its orchestrations and activities.
        var functions = await worker.StartAsync(rpcUri, cancellationToken);
        await durable.StartAsync(loggers);

        // 3. The front end, routed as the host routes.
        var frontBuilder = WebApplication.CreateSlimBuilder();
        logging?.Invoke(frontBuilder.Logging);
        frontBuilder.WebHost.UseUrls(urls);
        frontBuilder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = HttpFrontEnd.MaxRequestBodySize);
        frontBuilder.Services.AddHttpForwarder();
        frontBuilder.Services.AddRouting();
        var front = frontBuilder.Build();
        HttpFrontEnd.Map(front, functions, RoutePrefix(appDirectory, settings), worker);
        await front.StartAsync(cancellationToken);

        // 4. The timer and queue triggers, on AzureWebJobsStorage.
        var storage = StorageSet.Azure(new StorageOptions { ConnectionString = settings.GetValueOrDefault("AzureWebJobsStorage") ?? throw new InvalidOperationException("AzureWebJobsStorage is required: the triggers, the worker and the task hub use it.") });
        var stopping = new CancellationTokenSource();
        var loops = new Triggers.TriggerLoops(worker, settings, storage, appDirectory, TimeProvider.System, loggers.CreateLogger<Triggers.TriggerLoops>());
        var triggers = loops.RunAsync(functions, stopping.Token);
        return new LocalFunctionsHost(rpc, front, worker, functions, stopping, triggers) { Durable = durable, Loggers = loggers };
    }

    /// <summary><c>extensions.http.routePrefix</c> of the app's <c>host.json</c>; <c>api</c> when unset, as the host's default.</summary>
    public static string RoutePrefix(string appDirectory, IReadOnlyDictionary<string, string?> settings) =>
        HostJson.Section(appDirectory, "extensions:http", settings).GetValueOrDefault("routePrefix") ?? "api";

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _triggers;
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
        await _front.DisposeAsync();
        await Durable.DisposeAsync();
        await Worker.DisposeAsync();
        await _rpc.DisposeAsync();
        Loggers.Dispose();
    }
}
