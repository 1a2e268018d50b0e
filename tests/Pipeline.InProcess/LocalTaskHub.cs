using DurableTask.AzureStorage;
using DurableTask.Core;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Platform;
using Pipeline.Storage;
using Pipeline.Storage.Azure;

namespace Pipeline.InProcess;

/// <summary>
/// The task hub on this machine: DurableTask.Core's <see cref="TaskHubWorker"/> over
/// <see cref="AzureStorageOrchestrationService"/> (the backend Durable Functions runs on by default), on the connection
/// and with the settings <c>host.json</c> gives Durable Functions. Orchestrators and activities are Microsoft.DurableTask
/// types, turned into DurableTask.Core's by the worker package's <see cref="DurableTaskShimFactory"/>. The worker starts
/// once storage answers (and keeps trying, one line a try, while it does not); the client waits for the hub's queues and
/// tables, never for the worker.
/// </summary>
internal sealed partial class LocalTaskHub : IHostedService, IAsyncDisposable
{
    private readonly TaskHubOptions _options;
    private readonly StorageAccountClientProvider _connection;
    private readonly TaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger<LocalTaskHub> _log;
    private readonly CancellationTokenSource _stopping = new();
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;
    private TaskHubWorker? _worker;
    private Task _running = Task.CompletedTask;
    private int _stopped;
    private bool _onEmulator;

    public LocalTaskHub(IOptions<TaskHubOptions> options, IOptions<TaskRegistry> registry, IOptions<StorageOptions> storage, IConfiguration configuration, IServiceProvider services, ILoggerFactory loggers)
    {
        _options = options.Value;
        _registry = registry.Value;
        _services = services;
        _loggers = loggers;
        _log = loggers.CreateLogger<LocalTaskHub>();
        RunWorker = configuration.GetValue("DurableTask:RunWorker", true);
        _connection = Connection(_options, storage.Value, configuration);
        if (configuration[OwnHubSetting] is { Length: > 0 } own)
        {
            _options.HubName = System.Text.RegularExpressions.Regex.IsMatch(own, "^[A-Za-z][A-Za-z0-9]{2,44}$")
                ? own
                : throw new InvalidOperationException($"{OwnHubSetting} must be 3-45 letters and digits, starting with a letter.");
        }
        else if (!_onEmulator)
        {
            // Same hub name on the same account = the deployed app's task hub: this host would take its work items.
            throw new InvalidOperationException(
                $"The local task hub's storage ('{_options.StorageProvider.ConnectionName}') is not the emulator: set {OwnHubSetting} to a hub of its own, or it joins the deployed app's task hub '{_options.HubName}' and competes with its workers.");
        }

        Service = new AzureStorageOrchestrationService(Settings(_options, _connection, loggers));
    }

    /// <summary>The backend: orchestration service, client, query and purge client in one.</summary>
    public AzureStorageOrchestrationService Service { get; }

    public string HubName => _options.HubName;

    /// <summary>The local runner's own task hub name; required when its storage is not the emulator.</summary>
    public const string OwnHubSetting = "DurableTask:LocalHubName";

    /// <summary>What storage failures of the backend are reported as (a <see cref="StoreException"/>, 503 at the API).</summary>
    internal const string Hub = "The task hub";

    /// <summary>Whether this host runs the worker (<c>DurableTask:RunWorker</c>, default true); false makes a client-only host.</summary>
    public bool RunWorker { get; }

    /// <summary>The hub's settings for the framework, from Durable Functions' names.</summary>
    internal static AzureStorageOrchestrationServiceSettings Settings(TaskHubOptions options, StorageAccountClientProvider connection, ILoggerFactory loggers)
    {
        var provider = options.StorageProvider;
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.HubName,
            StorageAccountClientProvider = connection,
            LoggerFactory = loggers,
            PartitionCount = provider.PartitionCount,
            ControlQueueBatchSize = provider.ControlQueueBatchSize,
            ControlQueueBufferThreshold = provider.ControlQueueBufferThreshold,
            MaxQueuePollingInterval = provider.MaxQueuePollingInterval,
            UseTablePartitionManagement = provider.UseTablePartitionManagement,
            PartitionTableOperationTimeout = provider.PartitionTableOperationTimeout,
            WorkItemQueueVisibilityTimeout = provider.WorkItemQueueVisibilityTimeout,
            ControlQueueVisibilityTimeout = provider.ControlQueueVisibilityTimeout,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityFunctions,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions,
            ExtendedSessionsEnabled = options.ExtendedSessionsEnabled,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(options.ExtendedSessionIdleTimeoutInSeconds),

            // A start while an instance with the id is pending or running is refused, not silently dropped, as Durable
            // Functions sets it (AzureStorageDurabilityProviderFactory).
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }

    /// <summary>The connection named by <c>storageProvider.connectionName</c>, read as Functions reads connections.</summary>
    private StorageAccountClientProvider Connection(TaskHubOptions options, StorageOptions storage, IConfiguration configuration)
    {
        var named = new StorageOptions
        {
            RetryAttempts = storage.RetryAttempts,
            RetryBackoff = storage.RetryBackoff,
            RequestTimeout = storage.RequestTimeout,
        };
        StorageRegistration.ReadConnection(configuration.GetSection(options.StorageProvider.ConnectionName), named);
        _onEmulator = Pipeline.Storage.Emulator.EmulatorEndpoints.TryParse(named.ConnectionString) is not null;
        var (blobs, queues, tables) = AzureClients.ClientOptions(named);
        if (!string.IsNullOrWhiteSpace(named.ConnectionString))
        {
            return new StorageAccountClientProvider(
                StorageServiceClientProvider.ForBlob(named.ConnectionString, blobs),
                StorageServiceClientProvider.ForQueue(named.ConnectionString, queues),
                StorageServiceClientProvider.ForTable(named.ConnectionString, tables));
        }

        if (named.AccountName is null && named.BlobServiceUri is null)
        {
            throw new InvalidOperationException(
                $"The task hub's connection '{options.StorageProvider.ConnectionName}' is not set: give a connection string or __accountName.");
        }

        var (blobUri, tableUri, queueUri) = named.ServiceUris();
        var credential = AzureClients.Credential(named);
        return new StorageAccountClientProvider(
            StorageServiceClientProvider.ForBlob(blobUri, credential, blobs),
            StorageServiceClientProvider.ForQueue(queueUri, credential, queues),
            StorageServiceClientProvider.ForTable(tableUri, credential, tables));
    }

    /// <summary>Creates the hub's queues, tables and containers once (again after a failure).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await AzureErrors.Run(Hub, () => Service.CreateIfNotExistsAsync());
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (RunWorker)
        {
            _running = Task.Run(() => RunAsync(_stopping.Token), CancellationToken.None);
        }

        return Task.CompletedTask;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var pause = TimeSpan.FromSeconds(1);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await EnsureCreatedAsync(stopping);
                var worker = new TaskHubWorker(Service, _loggers);
                var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = DurableData.Converter }, _loggers);
                foreach (var (name, create) in _registry.Orchestrators)
                {
                    worker.AddTaskOrchestrations(new TaskRegistry.Creator<TaskOrchestration>(name, () => shims.CreateOrchestration(name, create(_services))));
                }

                foreach (var (name, create) in _registry.Activities)
                {
                    worker.AddTaskActivities(new TaskRegistry.Creator<TaskActivity>(name, () => shims.CreateActivity(name, create(_services))));
                }

                await worker.StartAsync();
                _worker = worker;
                LogStarted(_log, HubName, _options.StorageProvider.PartitionCount);
                return;
            }
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // The host stopped while the hub was being created or started.
                return;
            }
#pragma warning disable CA1031 // Whatever stops the start (storage down, refused, a timeout), the next try may succeed.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogStartFailed(_log, HubName, pause.TotalSeconds, e.GetType().Name);
                await Task.Delay(pause, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
                pause = TimeSpan.FromSeconds(Math.Min(30, pause.TotalSeconds * 2));
            }
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        await _running;
        if (_worker is { } worker)
        {
            _worker = null;
            try
            {
                // The framework's stop waits up to 10 minutes for its partition manager when storage is gone.
                await worker.StopAsync(isForced: true).WaitAsync(StopTimeout, CancellationToken.None);
            }
            catch (TimeoutException)
            {
                LogStopTimedOut(_log, HubName, StopTimeout.TotalSeconds);
            }
        }
    }

    /// <summary>
    /// Deletes the hub's queues, tables and containers (tests tidy up with it), through a service of its own, so that it
    /// works after the host is gone.
    /// </summary>
    public Task DeleteAsync() =>
        new AzureStorageOrchestrationService(Settings(_options, _connection, Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance)).DeleteAsync().WaitAsync(StopTimeout);

    /// <summary>Stops the worker; the token sources stay for the garbage collector, since the container may dispose this twice.</summary>
    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>The longest the worker's stop may take; what is in flight then is retried by the next host.</summary>
    internal static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task hub {Hub}: the worker did not stop within {Seconds} s; its work in flight is retried by the next host.")]
    private static partial void LogStopTimedOut(ILogger logger, string hub, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task hub {Hub} is running ({Partitions} partition(s)).")]
    private static partial void LogStarted(ILogger logger, string hub, int partitions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task hub {Hub} could not start ({Error}); trying again in {Seconds} s.")]
    private static partial void LogStartFailed(ILogger logger, string hub, double seconds, string error);
}
