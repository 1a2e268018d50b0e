using Microsoft.Extensions.Options;
using Pipeline.Storage;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Waves;

/// <summary>A token's entry: its wave and the row of its person. Found by the token's keyed hash only.</summary>
internal sealed record TokenEntry(string WaveId, string Partition, string RowKey);

/// <summary>
/// Table <c>Tokens</c>: partition = the first hex digit of the keyed hash (16 partitions, so a batch of letters
/// writes its tokens in a few batches), row key = the keyed hash. The token itself is never stored.
/// </summary>
internal sealed class TokenDirectory(WaveStore store, IOptions<WaveOptions> options)
{
    public string Hash(AccessToken token) => token.KeyedHash(options.Value.HashKey);

    /// <summary>Records the tokens of many people; idempotent (a re-run writes the same rows).</summary>
    public async Task RecordAsync(IEnumerable<(AccessToken Token, TokenEntry Entry)> tokens, CancellationToken cancellationToken)
    {
        var rows = tokens.Select(t => (Hash: Hash(t.Token), t.Entry)).Select(t =>
            new TableRow(t.Hash[..1], t.Hash, new Dictionary<string, object> { ["Wave"] = t.Entry.WaveId, ["Partition"] = t.Entry.Partition, ["Row"] = t.Entry.RowKey }));
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(TableBatch.MaxOperations))
            {
                var batch = new TableBatch();
                foreach (var row in chunk)
                {
                    batch.Upsert(row);
                }

                await store.Tables.ExecuteBatchAsync(WaveStore.TokensTable, batch, cancellationToken);
            }
        }
    }

    public async Task<TokenEntry?> FindAsync(AccessToken token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        return await store.Tables.TryGetAsync(WaveStore.TokensTable, hash[..1], hash, cancellationToken) is { } row
            ? new TokenEntry(row.GetString("Wave")!, row.GetString("Partition")!, row.GetString("Row")!)
            : null;
    }
}
