using Microsoft.WindowsAzure.Storage;
using Microsoft.WindowsAzure.Storage.Blob;

namespace Pipeline.Storage.Azure;

/// <summary>The blob store on Azure Storage (or Azurite).</summary>
internal sealed class AzureBlobStore : IBlobStore
{
    private readonly CloudBlobClient _client;
    private readonly CreatedOnce _containers;

    public AzureBlobStore(AzureStorageAccount account)
    {
        _client = account.Blobs;
        _containers = new CreatedOnce(name => AzureErrors.Run($"Create container '{name}'", () => _client.GetContainerReference(name).CreateIfNotExistsAsync()));
    }

    public async Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(condition);
        await _containers.EnsureAsync(container);
        var blob = _client.GetContainerReference(container).GetBlockBlobReference(name);
        var access = condition.Kind switch
        {
            BlobConditionKind.IfNotExists => AccessCondition.GenerateIfNotExistsCondition(),
            BlobConditionKind.IfMatch => AccessCondition.GenerateIfMatchCondition(condition.ETag),
            _ => AccessCondition.GenerateEmptyCondition(),
        };
        await AzureErrors.Run($"Put blob '{container}/{name}'", () => blob.UploadFromStreamAsync(content, access, null, null, cancellationToken));
        return blob.Properties.ETag;
    }

    public async Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        var blob = _client.GetContainerReference(container).GetBlockBlobReference(name);
        using var buffer = new MemoryStream();
        await AzureErrors.Run($"Get blob '{container}/{name}'", () => blob.DownloadToStreamAsync(buffer, null, null, null, cancellationToken));
        return new BlobContent(buffer.ToArray(), blob.Properties.ETag, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
    }

    public async Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidatePage(pageSize);
        ArgumentNullException.ThrowIfNull(prefix);
        var reference = _client.GetContainerReference(container);
        var token = continuation is null ? null : new BlobContinuationToken { NextMarker = continuation };
        try
        {
            var segment = await AzureErrors.Run(
                $"List blobs '{container}/{prefix}'",
                () => reference.ListBlobsSegmentedAsync(prefix, true, BlobListingDetails.None, pageSize, token, null, null, cancellationToken));
            var items = segment.Results.OfType<CloudBlob>()
                .Select(b => new BlobItem(b.Name, b.Properties.Length, b.Properties.ETag, b.Properties.LastModified ?? DateTimeOffset.MinValue))
                .ToList();
            return new BlobPage(items, segment.ContinuationToken?.NextMarker);
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
        var blob = _client.GetContainerReference(container).GetBlockBlobReference(name);
        var access = ifMatch is null ? AccessCondition.GenerateEmptyCondition() : AccessCondition.GenerateIfMatchCondition(ifMatch);
        try
        {
            await AzureErrors.Run($"Delete blob '{container}/{name}'", () => blob.DeleteAsync(DeleteSnapshotsOption.None, access, null, null, cancellationToken));
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }
}
