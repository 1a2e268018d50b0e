using System.ComponentModel.DataAnnotations;

namespace Pipeline.Storage;

/// <summary>Where storage lives and how hard to try. Bound from configuration by the host.</summary>
public sealed class StorageOptions
{
    /// <summary>The connection string, under the Functions key <c>AzureWebJobsStorage</c>.</summary>
    [Required(ErrorMessage = "AzureWebJobsStorage is required: a storage connection string, or UseDevelopmentStorage=true for Azurite.")]
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Attempts per request, including the first. Default 4.</summary>
    [Range(1, 10)]
    public int RetryAttempts { get; set; } = 4;

    /// <summary>The backoff between retries grows from this. Default 200 ms.</summary>
    public TimeSpan RetryBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most one request may take, retries included. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
