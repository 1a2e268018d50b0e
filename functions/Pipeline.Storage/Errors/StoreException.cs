namespace Pipeline.Storage;

/// <summary>
/// Base of every error the storage layer raises. SDK exceptions never leave <c>Pipeline.Storage</c>:
/// they are translated to this type or one of its subclasses.
/// </summary>
public class StoreException : Exception
{
    public StoreException() { }

    public StoreException(string message) : base(message) { }

    public StoreException(string message, Exception? inner) : base(message, inner) { }

    /// <summary>The HTTP status the store answered with, when there was one.</summary>
    public int? StatusCode { get; init; }
}
