using System.Runtime.CompilerServices;

namespace Pipeline.Storage;

/// <summary>Conveniences over <see cref="ITableStore"/>.</summary>
public static class TableStoreExtensions
{
    /// <summary>Reads one entity, or null when it is missing.</summary>
    public static async Task<TableRow?> TryGetAsync(this ITableStore store, string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        try
        {
            return await store.GetAsync(table, partitionKey, rowKey, cancellationToken);
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>Every row that matches, following continuations.</summary>
    public static async IAsyncEnumerable<TableRow> QueryAllAsync(this ITableStore store, string table, TableQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        var next = query;
        while (true)
        {
            var page = await store.QueryAsync(table, next, cancellationToken);
            foreach (var row in page.Rows)
            {
                yield return row;
            }

            if (page.Continuation is null)
            {
                yield break;
            }

            next = next with { Continuation = page.Continuation };
        }
    }
}
