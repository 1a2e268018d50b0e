namespace Pipeline.Storage.InMemory;

/// <summary>The in-memory twin of the blob store, for fast tests. Same rules and errors as Azure.</summary>
internal sealed class InMemoryBlobStore(TimeProvider time) : IBlobStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<(string Container, string Name), Stored> _blobs = new(KeyComparer.Instance);
    private long _version;

    public async Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(condition);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        lock (_gate)
        {
            _blobs.TryGetValue((container, name), out var existing);
            switch (condition.Kind)
            {
                case BlobConditionKind.IfNotExists when existing is not null:
                    throw new ConflictException($"Blob '{container}/{name}' already exists.") { StatusCode = 409 };
                case BlobConditionKind.IfMatch when existing is null:
                    throw new NotFoundException($"Blob '{container}/{name}' does not exist.") { StatusCode = 404 };
                case BlobConditionKind.IfMatch when existing.ETag != condition.ETag:
                    throw new PreconditionFailedException($"Blob '{container}/{name}' has changed.") { StatusCode = 412 };
            }

            var stored = new Stored(buffer.ToArray(), $"\"0x{++_version:X}\"", time.GetUtcNow());
            _blobs[(container, name)] = stored;
            return stored.ETag;
        }
    }

    public Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        lock (_gate)
        {
            return _blobs.TryGetValue((container, name), out var stored)
                ? Task.FromResult(new BlobContent(stored.Content, stored.ETag, stored.LastModified))
                : throw new NotFoundException($"Blob '{container}/{name}' does not exist.") { StatusCode = 404 };
        }
    }

    public Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidatePage(pageSize);
        ArgumentNullException.ThrowIfNull(prefix);
        lock (_gate)
        {
            var items = _blobs
                .Where(b => b.Key.Container == container
                    && b.Key.Name.StartsWith(prefix, StringComparison.Ordinal)
                    && (continuation is null || string.CompareOrdinal(b.Key.Name, continuation) > 0))
                .Take(pageSize + 1)
                .Select(b => new BlobItem(b.Key.Name, b.Value.Content.Length, b.Value.ETag, b.Value.LastModified))
                .ToList();
            var more = items.Count > pageSize;
            if (more)
            {
                items.RemoveAt(pageSize);
            }

            return Task.FromResult(new BlobPage(items, more ? items[^1].Name : null));
        }
    }

    public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        BlobRules.ValidateContainer(container);
        BlobRules.ValidateName(name);
        lock (_gate)
        {
            if (!_blobs.TryGetValue((container, name), out var stored))
            {
                return Task.FromResult(false);
            }

            if (ifMatch is not null && ifMatch != stored.ETag)
            {
                throw new PreconditionFailedException($"Blob '{container}/{name}' has changed.") { StatusCode = 412 };
            }

            _blobs.Remove((container, name));
            return Task.FromResult(true);
        }
    }

    private sealed record Stored(byte[] Content, string ETag, DateTimeOffset LastModified);

    private sealed class KeyComparer : IComparer<(string Container, string Name)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((string Container, string Name) x, (string Container, string Name) y)
        {
            var c = string.CompareOrdinal(x.Container, y.Container);
            return c != 0 ? c : string.CompareOrdinal(x.Name, y.Name);
        }
    }
}
