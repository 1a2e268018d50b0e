namespace Pipeline.Storage;

/// <summary>A blob's bytes with the version they belong to.</summary>
public sealed record BlobContent(ReadOnlyMemory<byte> Content, string ETag, DateTimeOffset LastModified);
