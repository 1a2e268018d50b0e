using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>How a returned letter's token was taken.</summary>
internal enum ReturnOutcome
{
    Returned,
    AlreadyReturned,

    /// <summary>The person answered: a respondent stays in the net sample, whatever came back.</summary>
    Answered,

    /// <summary>Not a token of this wave, malformed, or its wave purged: see the access's state.</summary>
    Refused,
}

/// <summary>Marks a person's invitation row (responded, opted out, returned undeliverable): by the token on their letter, or by its entry.</summary>
internal sealed class InvitationStore(WaveStore store, TokenDirectory tokens, WaveCounts counts)
{
    /// <summary>
    /// Sets <paramref name="flag"/> on the row of the person whose token was typed (idempotent), when the token
    /// opens a wave in fieldwork; returns how the token opened either way.
    /// </summary>
    public async Task<TokenAccess> MarkAsync(string? typed, string flag, CancellationToken cancellationToken)
    {
        var access = await tokens.OpenAsync(typed, cancellationToken);
        if (access.State is TokenState.Open or TokenState.Used && access.Entry is not null)
        {
            await MarkAndTallyAsync(access, flag, cancellationToken);
        }

        return access;
    }

    /// <summary>
    /// Takes the token of a letter of wave <paramref name="waveId"/> that came back undeliverable: the person gets no
    /// reminder (unless the list was fixed already) and leaves the net sample. Until the purge, in fieldwork or after the
    /// close; idempotent.
    /// </summary>
    public async Task<(ReturnOutcome Outcome, TokenAccess Access)> ReturnAsync(string waveId, string? typed, CancellationToken cancellationToken)
    {
        var access = await tokens.OpenAsync(typed, cancellationToken, inWave: waveId);
        if (access.State is not (TokenState.Open or TokenState.Used or TokenState.Closed) || access.Entry is not { } entry)
        {
            return (ReturnOutcome.Refused, access);
        }

        if (InvitationRows.Has(access.Row!, TokenAccess.UsedColumn))
        {
            return (ReturnOutcome.Answered, access);
        }

        var row = await store.Tables.GetAsync(WaveStore.SampleTable(entry.Partition), entry.Partition, entry.RowKey, cancellationToken);
        var already = InvitationRows.Has(row, InvitationRows.Returned);
        // Tallied again when it was marked already: a crash between the mark and the tally is mended by the operator's retry.
        await MarkAndTallyAsync(access, InvitationRows.Returned, cancellationToken);
        return (already ? ReturnOutcome.AlreadyReturned : ReturnOutcome.Returned, access);
    }

    public Task MarkAsync(TokenEntry entry, string flag, CancellationToken cancellationToken) =>
        store.Tables.MergeAsync(WaveStore.SampleTable(entry.Partition), new TableRow(entry.Partition, entry.RowKey, new Dictionary<string, object> { [flag] = true }), cancellationToken);

    /// <summary>Marks the row of an opened token, then tallies the mark (the token row carries the person's municipality).</summary>
    private async Task MarkAndTallyAsync(TokenAccess access, string flag, CancellationToken cancellationToken)
    {
        var entry = access.Entry!;
        await MarkAsync(entry, flag, cancellationToken);
        if (WaveCounts.TalliedFlags.ContainsKey(flag))
        {
            // After the row: a retry of the request marks and tallies again, to the same effect.
            await counts.TallyPersonAsync(entry.WaveId, flag, entry.Partition, entry.RowKey, access.Row!.GetString("Municipality") ?? string.Empty, cancellationToken);
        }
    }
}
