namespace Pipeline.Storage;

/// <summary>A create-only write found the item already there (HTTP 409).</summary>
public sealed class ConflictException : StoreException
{
    public ConflictException() { }

    public ConflictException(string message) : base(message) { }

    public ConflictException(string message, Exception? inner) : base(message, inner) { }
}
