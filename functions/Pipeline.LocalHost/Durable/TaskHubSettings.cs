using System.Globalization;
using DurableTask.AzureStorage;

namespace Pipeline.LocalHost.Durable;

/// <summary>
/// The task hub as Durable Functions reads it: <c>host.json</c> <c>extensions.durableTask</c> (hubName,
/// maxConcurrent*Functions, storageProvider.*), where app settings <c>AzureFunctionsJobHost:extensions:durableTask:*</c>
/// override it, on the connection <c>storageProvider.connectionName</c> (default <c>AzureWebJobsStorage</c>).
/// </summary>
internal static class TaskHubSettings
{
    /// <summary>The local host's own task hub, required on storage that is not the emulator.</summary>
    public const string OwnHub = "DurableTask:LocalHubName";

    public static AzureStorageOrchestrationServiceSettings Read(string appDirectory, IReadOnlyDictionary<string, string?> settings, ILoggerFactory loggers)
    {
        var values = HostJson.Section(appDirectory, "extensions:durableTask", settings);

        var connection = settings.GetValueOrDefault(values.GetValueOrDefault("storageProvider:connectionName") ?? "AzureWebJobsStorage")
            ?? throw new InvalidOperationException("The task hub's connection (AzureWebJobsStorage) is not set.");
        // A local host on real storage with the deployed hub's name would take the deployed app's work items.
        var hubName = values.GetValueOrDefault("hubName") ?? "TestHubName";
        if (Pipeline.Storage.Emulator.EmulatorEndpoints.TryParse(connection) is null)
        {
            hubName = settings.GetValueOrDefault(OwnHub) is { Length: > 0 } own
                ? own
                : throw new InvalidOperationException($"The local host's storage is not the emulator: set {OwnHub} to a task hub of its own, or it joins the deployed app's task hub '{hubName}' and competes with its workers.");
        }

        TimeSpan Span(string key, TimeSpan fallback) => values.TryGetValue(key, out var v) ? TimeSpan.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Number(string key, int fallback) => values.TryGetValue(key, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = hubName,
            StorageAccountClientProvider = new StorageAccountClientProvider(connection),
            LoggerFactory = loggers,
            PartitionCount = Number("storageProvider:partitionCount", 4),
            ControlQueueBatchSize = Number("storageProvider:controlQueueBatchSize", 32),
            ControlQueueBufferThreshold = Number("storageProvider:controlQueueBufferThreshold", 256),
            MaxQueuePollingInterval = Span("storageProvider:maxQueuePollingInterval", TimeSpan.FromSeconds(30)),
            UseTablePartitionManagement = !values.TryGetValue("storageProvider:useTablePartitionManagement", out var table) || bool.Parse(table),
            PartitionTableOperationTimeout = Span("storageProvider:partitionTableOperationTimeout", TimeSpan.FromSeconds(2)),
            WorkItemQueueVisibilityTimeout = Span("storageProvider:workItemQueueVisibilityTimeout", TimeSpan.FromMinutes(5)),
            ControlQueueVisibilityTimeout = Span("storageProvider:controlQueueVisibilityTimeout", TimeSpan.FromMinutes(5)),
            MaxConcurrentTaskActivityWorkItems = Number("maxConcurrentActivityFunctions", 10),
            MaxConcurrentTaskOrchestrationWorkItems = Number("maxConcurrentOrchestratorFunctions", 5),
            ExtendedSessionsEnabled = values.TryGetValue("extendedSessionsEnabled", out var sessions) && bool.Parse(sessions),

            // A start while an instance with the id is pending or running is refused, not silently dropped: Durable
            // Functions turns this on for its Azure Storage provider (AzureStorageDurabilityProviderFactory).
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }
}
