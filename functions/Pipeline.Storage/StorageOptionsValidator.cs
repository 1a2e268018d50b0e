using Microsoft.Extensions.Options;
using Microsoft.WindowsAzure.Storage;

namespace Pipeline.Storage;

/// <summary>Refuses at start-up a connection string the SDK cannot parse, without echoing its secret.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString) || CloudStorageAccount.TryParse(options.ConnectionString, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("AzureWebJobsStorage is not a valid storage connection string (expected 'UseDevelopmentStorage=true' or 'DefaultEndpointsProtocol=...;AccountName=...;AccountKey=...').");
}
