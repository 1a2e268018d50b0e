using System.Text.Json;
using Microsoft.Extensions.Options;
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
/// A submission is one atomic batch on the token's partition of table <c>Tokens</c>: the token row is replaced
/// (ETag-guarded) by one that says "used" and has no draft, and an outbox row with a random key holds the sealed
/// response. Either both are written or neither: there is no used token without its response and no response
/// without its used token, and of concurrent submissions of one token exactly one wins the ETag.
/// <see cref="ResponseRelease"/> later moves outbox rows into the response store.
/// </para>
/// </summary>
internal sealed class ResponseStore(WaveStore store, IOptions<WaveOptions> options, TimeProvider time)
{
    public const string OutboxPrefix = "o|";
    private const string DraftColumn = "Draft";
    private const string SealedColumn = "Sealed";
    private const int MaxAttempts = 5;

    private readonly Sealer _sealer = new(options.Value.SealKey);

    public async Task<SubmitOutcome> SubmitAsync(TokenAccess access, Questionnaire questionnaire, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, string language, string channel, CancellationToken cancellationToken)
    {
        var entry = access.Entry!;
        var person = await store.Tables.GetAsync(WaveStore.SampleTable(entry.Partition), entry.Partition, entry.RowKey, cancellationToken);
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
        var outbox = new TableRow(access.Row!.PartitionKey, OutboxPrefix + Guid.NewGuid().ToString("N"), new Dictionary<string, object>
        {
            [SealedColumn] = _sealer.Seal(JsonSerializer.SerializeToUtf8Bytes(pending, ResponseRecord.Json)),
        });

        return await UpdateTokenRowAsync(access.Row, used: true, draft: null, outbox, cancellationToken) ? SubmitOutcome.Stored : SubmitOutcome.AlreadyUsed;
    }

    /// <summary>Keeps a respondent's unfinished answers, sealed; false when the token was used meanwhile.</summary>
    public Task<bool> SaveDraftAsync(TokenAccess access, Draft draft, CancellationToken cancellationToken) =>
        UpdateTokenRowAsync(access.Row!, used: false, _sealer.Seal(JsonSerializer.SerializeToUtf8Bytes(draft, ResponseRecord.Json)), outbox: null, cancellationToken);

    public Draft? ReadDraft(TokenAccess access) =>
        access.Row?.Get<byte[]>(DraftColumn) is { Length: > 0 } sealedDraft
            ? JsonSerializer.Deserialize<Draft>(_sealer.Open(sealedDraft), ResponseRecord.Json)
            : null;

    /// <summary>Opens an outbox row written by <see cref="SubmitAsync"/>.</summary>
    public PendingResponse OpenPending(TableRow outboxRow) =>
        JsonSerializer.Deserialize<PendingResponse>(_sealer.Open(outboxRow.Get<byte[]>(SealedColumn)), ResponseRecord.Json)!;

    /// <summary>
    /// Replaces the token row guarded by its ETag (re-reading it after a lost race), with the outbox row in the
    /// same batch. False when the token is, or becomes, used.
    /// </summary>
    private async Task<bool> UpdateTokenRowAsync(TableRow row, bool used, byte[]? draft, TableRow? outbox, CancellationToken cancellationToken)
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

            var batch = new TableBatch().Replace(new TableRow(row.PartitionKey, row.RowKey, properties), row.ETag!);
            if (outbox is not null)
            {
                batch.Insert(outbox);
            }

            try
            {
                await store.Tables.ExecuteBatchAsync(WaveStore.TokensTable, batch, cancellationToken);
                return true;
            }
            catch (PreconditionFailedException) when (attempt < MaxAttempts)
            {
                row = await store.Tables.GetAsync(WaveStore.TokensTable, row.PartitionKey, row.RowKey, cancellationToken);
            }
        }
    }
}
