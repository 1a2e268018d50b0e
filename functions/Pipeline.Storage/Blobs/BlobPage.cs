namespace Pipeline.Storage;

/// <summary>One page of a blob listing. <paramref name="Continuation"/> is null on the last page.</summary>
public sealed record BlobPage(IReadOnlyList<BlobItem> Items, string? Continuation);

/// <summary>A listed blob.</summary>
public sealed record BlobItem(string Name, long Length, string ETag, DateTimeOffset LastModified);
