namespace Pipeline.Storage;

/// <summary>
/// Table storage: entities keyed by partition and row key, with typed properties
/// (string, bool, int, long, double, <see cref="DateTimeOffset"/>, <see cref="Guid"/>, byte[]).
/// Tables are created on first use. Every entity carries at least one property besides its keys.
/// </summary>
public interface ITableStore
{
    /// <summary>Inserts a new entity; <see cref="ConflictException"/> when the keys exist. Returns the ETag.</summary>
    Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the entity whatever its version. Returns the ETag.</summary>
    Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default);

    /// <summary>
    /// Inserts the entity, or sets only the given properties on the one there, leaving its others. Returns the ETag.
    /// </summary>
    Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the entity only if its ETag is <paramref name="ifMatch"/>: otherwise <see cref="PreconditionFailedException"/>,
    /// or <see cref="NotFoundException"/> when it is gone. Returns the new ETag.
    /// </summary>
    Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default);

    /// <summary>Deletes the entity (guarded by <paramref name="ifMatch"/> when given). <see cref="NotFoundException"/> when missing.</summary>
    Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Reads one entity. <see cref="NotFoundException"/> when missing.</summary>
    Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to <see cref="TableBatch.MaxOperations"/> operations on one partition atomically: all or none.
    /// The failing operation's error is thrown. Returns the ETags, in operation order (null for deletes).
    /// </summary>
    Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns one page of the entities that match every condition of <paramref name="query"/>, in key order.
    /// A page may be short even when more follow; the query ends when <see cref="TablePage.Continuation"/> is null.
    /// </summary>
    Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default);
}
