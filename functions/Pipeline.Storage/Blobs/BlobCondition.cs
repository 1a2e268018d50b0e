namespace Pipeline.Storage;

/// <summary>The precondition of a blob write.</summary>
public sealed record BlobCondition
{
    private BlobCondition(BlobConditionKind kind, string? eTag)
    {
        Kind = kind;
        ETag = eTag;
    }

    public BlobConditionKind Kind { get; }

    public string? ETag { get; }

    /// <summary>Write whatever is there.</summary>
    public static BlobCondition None { get; } = new(BlobConditionKind.None, null);

    /// <summary>Create only: a second write is a <see cref="ConflictException"/>.</summary>
    public static BlobCondition IfNotExists { get; } = new(BlobConditionKind.IfNotExists, null);

    /// <summary>Replace only the version with this ETag: otherwise a <see cref="PreconditionFailedException"/>.</summary>
    public static BlobCondition IfMatch(string eTag)
    {
        ArgumentException.ThrowIfNullOrEmpty(eTag);
        return new(BlobConditionKind.IfMatch, eTag);
    }
}

public enum BlobConditionKind
{
    None,
    IfNotExists,
    IfMatch,
}
