using System.Runtime.CompilerServices;

namespace Pipeline.Storage;

/// <summary>Conveniences over <see cref="IBlobStore"/>.</summary>
public static class BlobStoreExtensions
{
    /// <summary>Writes bytes; see <see cref="IBlobStore.PutAsync"/>.</summary>
    public static async Task<string> PutAsync(this IBlobStore store, string container, string name, ReadOnlyMemory<byte> content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var stream = new MemoryStream(content.ToArray(), writable: false);
        return await store.PutAsync(container, name, stream, condition, cancellationToken);
    }

    /// <summary>Every blob under a prefix, following continuations.</summary>
    public static async IAsyncEnumerable<BlobItem> ListAllAsync(this IBlobStore store, string container, string prefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        string? continuation = null;
        do
        {
            var page = await store.ListAsync(container, prefix, 1000, continuation, cancellationToken);
            foreach (var item in page.Items)
            {
                yield return item;
            }

            continuation = page.Continuation;
        }
        while (continuation is not null);
    }
}
