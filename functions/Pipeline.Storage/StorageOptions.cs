using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage;

/// <summary>
/// Where storage lives and how hard to try. Bound from configuration by the host, as Functions reads
/// <c>AzureWebJobsStorage</c>: its value is a connection string; or, for an identity-based connection, its children
/// <c>accountName</c> (or <c>blobServiceUri</c>, <c>tableServiceUri</c> and <c>queueServiceUri</c>), with the optional
/// <c>credential</c> (<c>managedidentity</c>) and <c>clientId</c>.
/// </summary>
public sealed class StorageOptions : IValidatableObject
{
    /// <summary>The connection string: the value of <c>AzureWebJobsStorage</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary><c>AzureWebJobsStorage__accountName</c>: the account whose standard endpoints an identity reaches.</summary>
    public string? AccountName { get; set; }

    /// <summary><c>AzureWebJobsStorage__blobServiceUri</c>; with the table and queue URIs, instead of the account name.</summary>
    public Uri? BlobServiceUri { get; set; }

    /// <summary><c>AzureWebJobsStorage__tableServiceUri</c>.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary><c>AzureWebJobsStorage__queueServiceUri</c>.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary><c>AzureWebJobsStorage__credential</c>: <c>managedidentity</c>, or empty for <c>DefaultAzureCredential</c>.</summary>
    public string? Credential { get; set; }

    /// <summary><c>AzureWebJobsStorage__clientId</c>: a user-assigned identity's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>Attempts per request, including the first. Default 4.</summary>
    [Range(1, 10)]
    public int RetryAttempts { get; set; } = 4;

    /// <summary>The backoff between retries grows from this. Default 200 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most one try of a request may take. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The three service endpoints of an identity-based connection.</summary>
    public (Uri Blob, Uri Table, Uri Queue) ServiceUris() =>
        AccountName is { Length: > 0 } account
            ? (new Uri($"https://{account}.blob.core.windows.net"), new Uri($"https://{account}.table.core.windows.net"), new Uri($"https://{account}.queue.core.windows.net"))
            : (BlobServiceUri!, TableServiceUri!, QueueServiceUri!);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(ConnectionString) || AccountName is { Length: > 0 })
        {
            yield break;
        }

        if (BlobServiceUri is null && TableServiceUri is null && QueueServiceUri is null)
        {
            yield return new ValidationResult(
                "AzureWebJobsStorage is required: a storage connection string (UseDevelopmentStorage=true for Azurite), or AzureWebJobsStorage__accountName for an identity-based connection.",
                [nameof(ConnectionString)]);
        }
        else if (BlobServiceUri is null || TableServiceUri is null || QueueServiceUri is null)
        {
            yield return new ValidationResult(
                "AzureWebJobsStorage__blobServiceUri, __tableServiceUri and __queueServiceUri go together: give all three, or AzureWebJobsStorage__accountName.",
                [nameof(BlobServiceUri)]);
        }
    }
}
