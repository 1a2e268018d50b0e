using Microsoft.WindowsAzure.Storage;
using Microsoft.WindowsAzure.Storage.Blob;
using Microsoft.WindowsAzure.Storage.Queue;
using Microsoft.WindowsAzure.Storage.RetryPolicies;
using Microsoft.WindowsAzure.Storage.Table;

namespace Pipeline.Storage.Azure;

/// <summary>The SDK clients for one storage account, with bounded retries of transient errors.</summary>
internal sealed class AzureStorageAccount
{
    public AzureStorageAccount(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var account = CloudStorageAccount.Parse(options.ConnectionString);

        // ExponentialRetry retries timeouts and 5xx answers, never 4xx: a conflict is an answer, not a fault.
        var retry = new ExponentialRetry(options.RetryBackoff, options.RetryAttempts);
        var timeout = options.RequestTimeout;

        Blobs = account.CreateCloudBlobClient();
        Blobs.DefaultRequestOptions = new BlobRequestOptions { RetryPolicy = retry, MaximumExecutionTime = timeout };
        Tables = account.CreateCloudTableClient();
        Tables.DefaultRequestOptions = new TableRequestOptions { RetryPolicy = retry, MaximumExecutionTime = timeout };
        Queues = account.CreateCloudQueueClient();
        Queues.DefaultRequestOptions = new QueueRequestOptions { RetryPolicy = retry, MaximumExecutionTime = timeout };
    }

    public CloudBlobClient Blobs { get; }

    public CloudTableClient Tables { get; }

    public CloudQueueClient Queues { get; }
}
