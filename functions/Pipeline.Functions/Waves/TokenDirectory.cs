using Microsoft.Extensions.Options;
using Pipeline.Storage;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Waves;

/// <summary>A token's entry: its wave and the row of its person. Found by the token's keyed hash only.</summary>
internal sealed record TokenEntry(string WaveId, string Partition, string RowKey)
{
    /// <summary>The person's zone, from the sample partition "wave|sample|zone|language".</summary>
    public string Zone => Partition.Split('|')[2];

    /// <summary>The language of the person's letter.</summary>
    public string Language => Partition.Split('|')[3];
}

/// <summary>What a typed token opens.</summary>
internal enum TokenState
{
    /// <summary>Not a token: wrong length, a character not in the alphabet, or a failing check character.</summary>
    Malformed,

    /// <summary>Well formed but no survey has it, or its wave's personal data was purged.</summary>
    Unknown,

    /// <summary>Not looked up: too many unknown tokens were tried on this service this minute (<see cref="TokenGuesses"/>).</summary>
    Busy,

    /// <summary>Its wave is not in fieldwork (closed or cancelled).</summary>
    Closed,

    /// <summary>A response was already stored for it.</summary>
    Used,

    Open,
}

/// <summary>The outcome of opening a token, with its row (and ETag) and wave when it was found.</summary>
internal sealed record TokenAccess(TokenState State, string? Hint = null)
{
    public string Hash { get; init; } = string.Empty;

    public TableRow? Row { get; init; }

    public TokenEntry? Entry { get; init; }

    public WaveRecord? Wave { get; init; }

    /// <summary>The token row's column that says a response was stored for it.</summary>
    public const string UsedColumn = "Used";
}

/// <summary>
/// Table <c>Tokens</c>: partition = the first hex digit of the keyed hash (16 partitions, so a batch of letters
/// writes its tokens in a few batches), row key = the keyed hash. The token itself is never stored.
/// </summary>
internal sealed class TokenDirectory(WaveStore store, IOptions<WaveOptions> options, TokenGuesses guesses, TimeProvider time)
{
    public string Hash(AccessToken token) => token.KeyedHash(options.Value.HashKey);

    /// <summary>
    /// Records the tokens of many people, with the weighting columns of each person's row (see
    /// <see cref="InvitationRows.Weighting"/>); idempotent. Insert only: a token row that exists already is never
    /// overwritten, since by the time a re-run (or a duplicate run whose lease ran out) arrives, its person may have
    /// submitted, and the row then holds the response.
    /// </summary>
    public async Task RecordAsync(IEnumerable<(AccessToken Token, TokenEntry Entry, TableRow Person)> tokens, CancellationToken cancellationToken)
    {
        var rows = tokens.Select(t =>
        {
            var hash = Hash(t.Token);
            var properties = new Dictionary<string, object> { ["Wave"] = t.Entry.WaveId, ["Partition"] = t.Entry.Partition, ["Row"] = t.Entry.RowKey };
            foreach (var column in InvitationRows.Weighting)
            {
                properties[column] = t.Person.GetString(column) ?? string.Empty;
            }

            return new TableRow(hash[..1], hash, properties);
        });
        foreach (var partition in rows.GroupBy(r => r.PartitionKey))
        {
            foreach (var chunk in partition.Chunk(TableBatch.MaxOperations))
            {
                var batch = new TableBatch();
                foreach (var row in chunk)
                {
                    batch.Insert(row);
                }

                try
                {
                    await store.Tables.ExecuteBatchAsync(WaveStore.TokensTable, batch, cancellationToken);
                }
                catch (ConflictException)
                {
                    // Some were recorded by an earlier run (a batch applies nothing when one fails): the rest one by one.
                    foreach (var row in chunk)
                    {
                        try
                        {
                            await store.Tables.InsertAsync(WaveStore.TokensTable, row, cancellationToken);
                        }
                        catch (ConflictException)
                        {
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Parses a typed token and finds its row and wave; the state says whether it may answer. A <paramref name="paper"/>
    /// form still opens after its wave's close, until the wave's <c>paperCutoffDays</c> have passed (forms posted before the
    /// close arrive after it); the hint of a paper form refused as closed says until when they were taken. With
    /// <paramref name="inWave"/> (an operator keying or reporting a wave's forms), a token of another wave is unknown.
    /// </summary>
    public async Task<TokenAccess> OpenAsync(string? typed, CancellationToken cancellationToken, bool paper = false, string? inWave = null)
    {
        var parse = AccessToken.Parse(typed);
        if (!parse.Ok)
        {
            return new(TokenState.Malformed, parse.Message);
        }

        if (guesses.Exhausted())
        {
            return new(TokenState.Busy);
        }

        var hash = Hash(parse.Token);
        if (await store.Tables.TryGetAsync(WaveStore.TokensTable, hash[..1], hash, cancellationToken) is not { } row)
        {
            guesses.CountUnknown();
            return new(TokenState.Unknown) { Hash = hash };
        }

        // A released token's row points at nobody: it has its wave and "used" only.
        var waveId = row.GetString("Wave")!;
        if (inWave is not null && waveId != inWave)
        {
            return new(TokenState.Unknown) { Hash = hash };
        }

        var entry = row.GetString("Partition") is { } partition ? new TokenEntry(waveId, partition, row.GetString("Row")!) : null;
        var wave = await store.GetRecentAsync(waveId, cancellationToken);
        var state = wave switch
        {
            null or { Purged: true } => TokenState.Unknown,
            { Phase: not WavePhase.Fieldwork } when !(paper && wave.TakesPaper(time.GetUtcNow())) => TokenState.Closed,
            _ when InvitationRows.Has(row, TokenAccess.UsedColumn) => TokenState.Used,
            _ => TokenState.Open,
        };
        var hint = state == TokenState.Closed && paper
            ? wave!.PaperUntil is { } until
                ? $"Wave '{waveId}' closed on {wave!.ClosedAt:yyyy-MM-dd HH:mm} UTC; paper forms were taken until {until:yyyy-MM-dd HH:mm} UTC ({wave.Definition.PaperCutoffDays} days after, the wave's paperCutoffDays)."
                : $"Wave '{waveId}' is {wave!.Phase}; it takes no paper forms."
            : null;
        return new(state, hint) { Hash = hash, Row = row, Entry = entry, Wave = wave };
    }
}

