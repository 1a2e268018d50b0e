using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage;

/// <summary>Refuses at start-up a connection string the SDK cannot parse, without echoing its secret.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) || Parses(options.ConnectionString)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("AzureWebJobsStorage is not a valid storage connection string (expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...').");

    private static bool Parses(string connectionString)
    {
        try
        {
            _ = new BlobServiceClient(connectionString);
            _ = new TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
