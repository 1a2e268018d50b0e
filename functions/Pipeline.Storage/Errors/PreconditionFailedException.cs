namespace Pipeline.Storage;

/// <summary>A write guarded by an ETag found a newer version (HTTP 412).</summary>
public sealed class PreconditionFailedException : StoreException
{
    public PreconditionFailedException() { }

    public PreconditionFailedException(string message) : base(message) { }

    public PreconditionFailedException(string message, Exception? inner) : base(message, inner) { }
}
