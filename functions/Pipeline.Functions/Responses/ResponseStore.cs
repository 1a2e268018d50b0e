using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>The outcome of a submission.</summary>
internal enum SubmitOutcome
{
    Stored,
    AlreadyUsed,
}

/// <summary>
/// Stores submissions exactly once, and the drafts of the form.
/// <para>
/// A submission is one ETag-guarded write of the token's row in table <c>Tokens</c>: the row becomes "used",
/// loses its draft, and holds the sealed response, marked pending. Either the write happens or not: there is no
/// used token without its response and no response without its used token, and of concurrent submissions of
/// one token exactly one wins the ETag. <see cref="ResponseRelease"/> later moves pending responses into the
/// response store.
/// </para>
/// </summary>
internal sealed class ResponseStore(WaveStore store, IOptions<WaveOptions> options, TimeProvider time)
{
    /// <summary>True on a token row whose response waits for its release.</summary>
    public const string PendingColumn = "Pending";
    private const string DraftColumn = "Draft";
    private const string SealedColumn = "Sealed";
    private const int MaxAttempts = 5;

    private readonly Sealer _sealer = new((byte)options.Value.SealKeyVersion, options.Value.SealKey);

    public async Task<SubmitOutcome> SubmitAsync(TokenAccess access, Questionnaire questionnaire, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, string language, string channel, CancellationToken cancellationToken)
    {
        var entry = access.Entry!;
        var person = access.Row!;
        var response = new ResponseRecord(
            entry.WaveId,
            questionnaire.Version,
            language,
            entry.Zone,
            person.GetString("Municipality") ?? string.Empty,
            person.GetString("Neighbourhood") ?? string.Empty,
            person.GetString("AgeBand") ?? string.Empty,
            person.GetString("Sex") ?? string.Empty,
            WaveCalendar.Day(time.GetUtcNow()),
            channel,
            AnswerJson.Write(questionnaire, answers));
        var pending = new PendingResponse(Guid.NewGuid().ToString("N"), entry.Partition, entry.RowKey, response);
        var sealedResponse = _sealer.Seal(JsonSerializer.SerializeToUtf8Bytes(pending, AppJson.Web), access.Row!.RowKey, SealedColumn);
        return await UpdateTokenRowAsync(access.Row!, used: true, draft: null, sealedResponse, cancellationToken) ? SubmitOutcome.Stored : SubmitOutcome.AlreadyUsed;
    }

    /// <summary>Keeps a respondent's unfinished answers, sealed; false when the token was used meanwhile.</summary>
    public Task<bool> SaveDraftAsync(TokenAccess access, Draft draft, CancellationToken cancellationToken) =>
        UpdateTokenRowAsync(access.Row!, used: false, _sealer.Seal(JsonSerializer.SerializeToUtf8Bytes(draft, AppJson.Web), access.Row!.RowKey, DraftColumn), pending: null, cancellationToken);

    /// <summary>The respondent's draft; null when there is none, or when it no longer opens (then the form starts afresh).</summary>
    public Draft? ReadDraft(TokenAccess access)
    {
        if (access.Row?.Get<byte[]>(DraftColumn) is not { Length: > 0 } sealedDraft)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Draft>(_sealer.Open(sealedDraft, access.Row.RowKey, DraftColumn), AppJson.Web);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens the pending response of a token row written by <see cref="SubmitAsync"/>; null when it does not open (a
    /// truncated value, a key version we do not have, a value copied from another row).
    /// </summary>
    public PendingResponse? TryOpenPending(TableRow tokenRow)
    {
        try
        {
            return JsonSerializer.Deserialize<PendingResponse>(_sealer.Open(tokenRow.Get<byte[]>(SealedColumn), tokenRow.RowKey, SealedColumn), AppJson.Web);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or InvalidCastException or KeyNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// The token row once its response is in the response store: its wave and "used", which exactly-once needs, and
    /// nothing else: no weighting column and no pointer to the person's row, so it joins the response to nobody.
    /// </summary>
    public static TableRow Released(TableRow tokenRow) =>
        tokenRow with { Properties = new Dictionary<string, object> { ["Wave"] = tokenRow.GetString("Wave")!, [TokenAccess.UsedColumn] = true } };

    /// <summary>
    /// Replaces the token row guarded by its ETag (re-reading it after a lost race). False when the token is, or
    /// becomes, used.
    /// </summary>
    private async Task<bool> UpdateTokenRowAsync(TableRow row, bool used, byte[]? draft, byte[]? pending, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (InvitationRows.Has(row, TokenAccess.UsedColumn))
            {
                return false;
            }

            var properties = row.Properties.Where(p => p.Key != DraftColumn).ToDictionary();
            properties[TokenAccess.UsedColumn] = used;
            if (draft is not null)
            {
                properties[DraftColumn] = draft;
            }

            if (pending is not null)
            {
                properties[PendingColumn] = true;
                properties[SealedColumn] = pending;
            }

            try
            {
                await store.Tables.ReplaceAsync(WaveStore.TokensTable, new TableRow(row.PartitionKey, row.RowKey, properties), row.ETag!, cancellationToken);
                return true;
            }
            catch (PreconditionFailedException) when (attempt < MaxAttempts)
            {
                row = await store.Tables.GetAsync(WaveStore.TokensTable, row.PartitionKey, row.RowKey, cancellationToken);
            }
        }
    }
}
