using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>Marks a person's invitation row (responded, opted out): by the token on their letter, or by its entry.</summary>
internal sealed class InvitationStore(WaveStore store, TokenDirectory tokens, WaveCounts counts)
{
    /// <summary>
    /// Sets <paramref name="flag"/> on the row of the person whose token was typed (idempotent), when the token
    /// opens a wave in fieldwork; returns how the token opened either way.
    /// </summary>
    public async Task<TokenAccess> MarkAsync(string? typed, string flag, CancellationToken cancellationToken)
    {
        var access = await tokens.OpenAsync(typed, cancellationToken);
        if (access.State is TokenState.Open or TokenState.Used && access.Entry is { } entry)
        {
            await MarkAsync(entry, flag, cancellationToken);
            if (flag == InvitationRows.OptedOut)
            {
                // After the row: a retry of the request marks and tallies again, to the same effect.
                var row = await store.Tables.GetAsync(WaveStore.SampleTable(entry.Partition), entry.Partition, entry.RowKey, cancellationToken);
                await counts.TallyOptOutAsync(entry.WaveId, entry.Partition, entry.RowKey, row.GetString("Municipality") ?? string.Empty, cancellationToken);
            }
        }

        return access;
    }

    public Task MarkAsync(TokenEntry entry, string flag, CancellationToken cancellationToken) =>
        store.Tables.MergeAsync(WaveStore.SampleTable(entry.Partition), new TableRow(entry.Partition, entry.RowKey, new Dictionary<string, object> { [flag] = true }), cancellationToken);
}
