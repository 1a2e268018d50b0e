using Microsoft.Extensions.Options;
using Pipeline.Storage;
using Pipeline.Storage.Emulator;

namespace Pipeline.Functions.Hosting;

/// <summary>
/// Starts Azurite from the checkout's <c>node_modules</c> before the host serves, when the storage connection
/// points at a local emulator and nothing listens on its ports; stops it when the host stops.
/// </summary>
internal sealed partial class EmbeddedAzurite(
    IOptions<StorageOptions> storage,
    IOptions<EmbeddedAzuriteOptions> options,
    CheckoutRoot root,
    ILogger<EmbeddedAzurite> logger) : IHostedService, IAsyncDisposable
{
    private AzuriteProcess? _azurite;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Embedded || EmulatorEndpoints.TryParse(storage.Value.ConnectionString) is not { } ports)
        {
            return;
        }

        var listening = new[] { ports.Blob, ports.Queue, ports.Table }.Where(AzuriteProcess.IsListening).ToList();
        if (listening.Count == 3)
        {
            Log.UsingRunning(logger, ports.Blob, ports.Queue, ports.Table);
            return;
        }

        if (listening.Count > 0)
        {
            throw new InvalidOperationException($"Port(s) {string.Join(", ", listening)} are taken, but not all of {ports.Blob}, {ports.Queue} and {ports.Table}: stop what holds them, or point AzureWebJobsStorage elsewhere.");
        }

        var location = Path.GetFullPath(options.Value.Location, root.Path);
        _azurite = await AzuriteProcess.StartAsync(
            new AzuriteOptions
            {
                Root = root.Path,
                BlobPort = ports.Blob,
                QueuePort = ports.Queue,
                TablePort = ports.Table,
                Location = location,
                InstallTimeout = options.Value.InstallTimeout,
                Progress = message => Log.Progress(logger, message),
            },
            cancellationToken);
        Log.Started(logger, _azurite.ProcessId, ports.Blob, ports.Queue, ports.Table, location);
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (_azurite is { } azurite)
        {
            _azurite = null;
            await azurite.DisposeAsync();
            Log.Stopped(logger, azurite.ProcessId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Using the Azurite already listening on ports {Blob}, {Queue} and {Table}")]
        public static partial void UsingRunning(ILogger logger, int blob, int queue, int table);

        [LoggerMessage(2, LogLevel.Information, "Started Azurite (pid {Pid}) on ports {Blob}, {Queue} and {Table}, data in {Location}")]
        public static partial void Started(ILogger logger, int pid, int blob, int queue, int table, string location);

        [LoggerMessage(3, LogLevel.Information, "Stopped Azurite (pid {Pid})")]
        public static partial void Stopped(ILogger logger, int pid);

        [LoggerMessage(4, LogLevel.Information, "{Message}")]
        public static partial void Progress(ILogger logger, string message);
    }
}
