using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Pipeline.Storage.Azure;

/// <summary>The blob store on Azure Storage (or Azurite), on the v12 SDK.</summary>
internal sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobServiceClient _client;
    private readonly CreatedOnce _containers;

    public AzureBlobStore(AzureClients clients)
    {
        _client = clients.Blobs;
        _containers = new CreatedOnce(name => AzureErrors.Run($"Create container '{name}'", () => _client.GetBlobContainerClient(name).CreateIfNotExistsAsync()));
    }

    public async Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(condition);
        await _containers.EnsureAsync(container);
        var blob = _client.GetBlobContainerClient(container).GetBlobClient(name);
        var conditions = condition.Kind switch
        {
            BlobConditionKind.IfNotExists => new BlobRequestConditions { IfNoneMatch = ETag.All },
            BlobConditionKind.IfMatch => new BlobRequestConditions { IfMatch = new ETag(condition.ETag!) },
            _ => null,
        };
        var result = await AzureErrors.Run($"Put blob '{container}/{name}'", () => blob.UploadAsync(content, new BlobUploadOptions { Conditions = conditions }, cancellationToken));
        return result.Value.ETag.ToString();
    }

    public async Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        var blob = _client.GetBlobContainerClient(container).GetBlobClient(name);
        var result = await AzureErrors.Run($"Get blob '{container}/{name}'", () => blob.DownloadContentAsync(cancellationToken));
        return new BlobContent(result.Value.Content.ToArray(), result.Value.Details.ETag.ToString(), result.Value.Details.LastModified);
    }

    public async Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidatePage(pageSize);
        ArgumentNullException.ThrowIfNull(prefix);
        var reference = _client.GetBlobContainerClient(container);
        try
        {
            return await AzureErrors.Run($"List blobs '{container}/{prefix}'", async () =>
            {
                await foreach (var page in reference.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).AsPages(continuation, pageSize))
                {
                    var items = page.Values.Select(b => new BlobItem(b.Name, b.Properties.ContentLength ?? 0, b.Properties.ETag?.ToString() ?? string.Empty, b.Properties.LastModified ?? DateTimeOffset.MinValue)).ToList();
                    return new BlobPage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
                }

                return new BlobPage([], null);
            });
        }
        catch (NotFoundException)
        {
            // A container that was never written to holds nothing.
            return new BlobPage([], null);
        }
    }

    public async Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        var blob = _client.GetBlobContainerClient(container).GetBlobClient(name);
        var conditions = ifMatch is null ? null : new BlobRequestConditions { IfMatch = new ETag(ifMatch) };
        try
        {
            await AzureErrors.Run($"Delete blob '{container}/{name}'", () => blob.DeleteAsync(DeleteSnapshotsOption.None, conditions, cancellationToken));
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }
}
