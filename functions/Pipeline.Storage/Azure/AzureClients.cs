using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Pipeline.Storage.Emulator;

namespace Pipeline.Storage.Azure;

/// <summary>
/// The v12 SDK clients of one storage account, as Functions reads <c>AzureWebJobsStorage</c>: a connection string
/// (Azurite's included), or an identity-based connection (<see cref="StorageOptions.AccountName"/> or the three service
/// URIs, with <c>DefaultAzureCredential</c>, or a managed identity when <see cref="StorageOptions.Credential"/> says so).
/// Retries are the SDK's exponential ones, bounded by <see cref="StorageOptions"/>. Against the emulator the Blob and
/// Queue clients pin service version 2025-11-05 (Azurite 3.37 accepts up to 2026-06-06), so any Azurite from 3.35 on works,
/// with or without <c>--skipApiVersionCheck</c>.
/// </summary>
public sealed class AzureClients
{
    public AzureClients(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var (blobs, queues, tables) = ClientOptions(options);
        queues.MessageEncoding = QueueMessageEncoding.Base64;
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            Blobs = new BlobServiceClient(options.ConnectionString, blobs);
            Tables = new TableServiceClient(options.ConnectionString, tables);
            Queues = new QueueServiceClient(options.ConnectionString, queues);
            return;
        }

        var (blobUri, tableUri, queueUri) = options.ServiceUris();
        var credential = Credential(options);
        Blobs = new BlobServiceClient(blobUri, credential, blobs);
        Tables = new TableServiceClient(tableUri, credential, tables);
        Queues = new QueueServiceClient(queueUri, credential, queues);
    }

    /// <summary>
    /// The clients' options for <paramref name="options"/>: the service versions the emulator accepts, the retries of
    /// <see cref="StorageOptions"/>, no request logging. The task hub's clients use them too.
    /// </summary>
    public static (BlobClientOptions Blobs, QueueClientOptions Queues, TableClientOptions Tables) ClientOptions(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var emulator = EmulatorEndpoints.TryParse(options.ConnectionString) is not null;
        var blobs = emulator ? new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05) : new BlobClientOptions();
        var queues = emulator ? new QueueClientOptions(QueueClientOptions.ServiceVersion.V2025_11_05) : new QueueClientOptions();
        var tables = new TableClientOptions();
        foreach (ClientOptions client in new ClientOptions[] { blobs, queues, tables })
        {
            // Exponential retries of timeouts and 5xx answers, never of 4xx: a conflict is an answer, not a fault.
            client.Retry.Mode = RetryMode.Exponential;
            client.Retry.MaxRetries = options.RetryAttempts - 1;
            client.Retry.Delay = options.RetryBackoff;
            client.Retry.MaxDelay = TimeSpan.FromSeconds(10);
            client.Retry.NetworkTimeout = options.RequestTimeout;

            // Request logging and distributed tracing cost CPU per call, and the URLs name blobs and rows.
            client.Diagnostics.IsLoggingEnabled = false;
            client.Diagnostics.IsDistributedTracingEnabled = false;
        }

        return (blobs, queues, tables);
    }

    public BlobServiceClient Blobs { get; }

    public TableServiceClient Tables { get; }

    public QueueServiceClient Queues { get; }

    /// <summary>As Functions reads <c>AzureWebJobsStorage__credential</c> and <c>__clientId</c>.</summary>
    public static TokenCredential Credential(StorageOptions options) =>
        string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            ? new ManagedIdentityCredential(options.ClientId is { Length: > 0 } id ? ManagedIdentityId.FromUserAssignedClientId(id) : ManagedIdentityId.SystemAssigned)
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ClientId });
}
