namespace Pipeline.Storage;

/// <summary>
/// Blob storage: containers of named byte streams. Containers are created on first use.
/// Names follow Azure's rules (container: 3-63 lowercase letters, digits and dashes).
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes <paramref name="content"/> under <paramref name="name"/>, subject to <paramref name="condition"/>.
    /// Throws <see cref="ConflictException"/> when <see cref="BlobCondition.IfNotExists"/> finds a blob,
    /// and <see cref="PreconditionFailedException"/> when an ETag condition fails. Returns the new ETag.
    /// </summary>
    Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default);

    /// <summary>Reads a whole blob. Throws <see cref="NotFoundException"/> when it is missing.</summary>
    Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists blob names that start with <paramref name="prefix"/>, in name order, one page at a time.
    /// A page may be short even when more follow; the listing ends when <see cref="BlobPage.Continuation"/> is null.
    /// </summary>
    Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes a blob. Returns false when it did not exist. With <paramref name="ifMatch"/>, a newer
    /// version throws <see cref="PreconditionFailedException"/>.
    /// </summary>
    Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default);
}
