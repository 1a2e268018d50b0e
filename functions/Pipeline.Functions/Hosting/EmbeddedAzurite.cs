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
        if (options.Value.Embedded)
        {
            _azurite = await LocalAzurite.StartIfNeededAsync(storage.Value.ConnectionString, root.Path, options.Value.Location, options.Value.InstallTimeout, message => Log.Progress(logger, message), cancellationToken);
        }
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
        [LoggerMessage(3, LogLevel.Information, "Stopped Azurite (pid {Pid})")]
        public static partial void Stopped(ILogger logger, int pid);

        [LoggerMessage(4, LogLevel.Information, "{Message}")]
        public static partial void Progress(ILogger logger, string message);
    }
}
