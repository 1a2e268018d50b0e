using System.ComponentModel.DataAnnotations;

namespace Pipeline.InProcess;

/// <summary>
/// The task hub's settings, read where Durable Functions reads them: <c>host.json</c>, <c>extensions.durableTask</c>
/// (here the configuration section <c>AzureFunctionsJobHost:extensions:durableTask</c>, which app settings such as
/// <c>AzureFunctionsJobHost__extensions__durableTask__hubName</c> override). The names and meanings are Durable
/// Functions'; the defaults are tuned for one host on Azurite (see BENCHMARKS.md, "Durable Task Framework").
/// </summary>
internal sealed class TaskHubOptions : IValidatableObject
{
    public const string Section = "AzureFunctionsJobHost:extensions:durableTask";

    /// <summary>
    /// The task hub: its queues, tables and containers carry this name, and hosts with other names share nothing.
    /// 3-45 letters and digits, starting with a letter (Durable Functions' rule).
    /// </summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "extensions.durableTask.hubName must be 3-45 letters and digits, starting with a letter.")]
    public string HubName { get; set; } = "PipelineHub";

    /// <summary>Activities run at once by this host (Durable Functions' <c>maxConcurrentActivityFunctions</c>).</summary>
    [Range(1, 1000)]
    public int MaxConcurrentActivityFunctions { get; set; } = 16;

    /// <summary>Orchestration steps run at once by this host (<c>maxConcurrentOrchestratorFunctions</c>).</summary>
    [Range(1, 1000)]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 16;

    /// <summary>Keeps an orchestration's history in memory between steps (<c>extendedSessionsEnabled</c>).</summary>
    public bool ExtendedSessionsEnabled { get; set; }

    /// <summary>How long an idle extended session is kept (<c>extendedSessionIdleTimeoutInSeconds</c>).</summary>
    [Range(1, 3600)]
    public int ExtendedSessionIdleTimeoutInSeconds { get; set; } = 30;

    /// <summary>The Azure Storage backend's settings (<c>storageProvider</c>).</summary>
    public StorageProviderOptions StorageProvider { get; set; } = new();

    /// <summary>The nested <c>storageProvider</c> settings, which data annotations alone do not reach.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(StorageProvider, new ValidationContext(StorageProvider), results, validateAllProperties: true);
        return results.Select(r => new ValidationResult("extensions.durableTask.storageProvider: " + r.ErrorMessage, [.. r.MemberNames.Select(m => "StorageProvider." + m)]));
    }

    internal sealed class StorageProviderOptions
    {
        /// <summary>The app setting that holds the connection (<c>connectionName</c>); default <c>AzureWebJobsStorage</c>.</summary>
        public string ConnectionName { get; set; } = "AzureWebJobsStorage";

        /// <summary>Control queues (<c>partitionCount</c>), 1-16; one suits a single host.</summary>
        [Range(1, 16)]
        public int PartitionCount { get; set; } = 1;

        /// <summary>Messages fetched from a control queue at once (<c>controlQueueBatchSize</c>).</summary>
        [Range(1, 32)]
        public int ControlQueueBatchSize { get; set; } = 32;

        /// <summary>Control-queue messages buffered in memory (<c>controlQueueBufferThreshold</c>).</summary>
        [Range(1, 1000)]
        public int ControlQueueBufferThreshold { get; set; } = 128;

        /// <summary>The longest wait between polls of an idle queue (<c>maxQueuePollingInterval</c>).</summary>
        [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
        public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

        /// <summary>Partitions managed in a table rather than with blob leases (<c>useTablePartitionManagement</c>).</summary>
        public bool UseTablePartitionManagement { get; set; } = true;

        /// <summary>
        /// How long a read-and-write of the partition table may take before the worker gives up on it
        /// (<c>partitionTableOperationTimeout</c>); the framework's 2 s is too short for Azurite on a busy machine.
        /// </summary>
        [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
        public TimeSpan PartitionTableOperationTimeout { get; set; } = TimeSpan.FromSeconds(30);

        /// <summary>
        /// How long a dequeued activity stays invisible to other hosts (<c>workItemQueueVisibilityTimeout</c>); the worker
        /// renews it while the activity runs, so it is how soon another host retries the work of a host that died.
        /// </summary>
        [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
        public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);

        /// <summary>The same for orchestration messages (<c>controlQueueVisibilityTimeout</c>).</summary>
        [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
        public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);
    }
}
