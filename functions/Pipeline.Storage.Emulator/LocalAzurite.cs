namespace Pipeline.Storage.Emulator;

/// <summary>
/// The rule of both local hosts (the local runner, the local Functions host): when the storage connection points at a
/// local emulator and nothing listens on its ports, start Azurite from the checkout's <c>node_modules</c> (installing
/// it on first use); when all three ports listen, use that Azurite; when only some do, refuse, naming the ports.
/// </summary>
public static class LocalAzurite
{
    /// <summary>The Azurite started, or null when none was needed (another storage, or one already listening).</summary>
    public static async Task<AzuriteProcess?> StartIfNeededAsync(string? connectionString, string root, string location, TimeSpan installTimeout, Action<string> progress, CancellationToken cancellationToken)
    {
        if (EmulatorEndpoints.TryParse(connectionString) is not { } ports)
        {
            return null;
        }

        var listening = new[] { ports.Blob, ports.Queue, ports.Table }.Where(AzuriteProcess.IsListening).ToList();
        if (listening.Count == 3)
        {
            progress($"Using the Azurite already listening on ports {ports.Blob}, {ports.Queue} and {ports.Table}");
            return null;
        }

        if (listening.Count > 0)
        {
            throw new InvalidOperationException($"Port(s) {string.Join(", ", listening)} are taken, but not all of {ports.Blob}, {ports.Queue} and {ports.Table}: stop what holds them, or point AzureWebJobsStorage elsewhere.");
        }

        var data = Path.GetFullPath(location, root);
        var azurite = await AzuriteProcess.StartAsync(
            new AzuriteOptions
            {
                Root = root,
                BlobPort = ports.Blob,
                QueuePort = ports.Queue,
                TablePort = ports.Table,
                Location = data,
                InstallTimeout = installTimeout,
                Progress = progress,
            },
            cancellationToken);
        progress($"Started Azurite (pid {azurite.ProcessId}) on ports {ports.Blob}, {ports.Queue} and {ports.Table}, data in {data}");
        return azurite;
    }
}
