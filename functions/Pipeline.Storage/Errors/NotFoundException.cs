namespace Pipeline.Storage;

/// <summary>The blob, entity or message does not exist (HTTP 404).</summary>
public sealed class NotFoundException : StoreException
{
    public NotFoundException() { }

    public NotFoundException(string message) : base(message) { }

    public NotFoundException(string message, Exception? inner) : base(message, inner) { }
}
