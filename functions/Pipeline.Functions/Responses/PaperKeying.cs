using System.Text.Json;
using Pipeline.Functions.Security;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>What a keying did.</summary>
internal enum KeyingOutcome
{
    /// <summary>The first keying is kept; the form waits for a second keying by someone else.</summary>
    First,

    /// <summary>The second keying agreed with the first: the form was stored, as one paper response.</summary>
    Agreed,

    /// <summary>The second keying differed: the form waits for a third person's decision.</summary>
    Disagreed,

    /// <summary>A third person decided between two keyings: the form was stored.</summary>
    Decided,

    /// <summary>Nothing kept: see the reason.</summary>
    Refused,

    /// <summary>The answers do not fit the form: see the errors, per question.</summary>
    Invalid,
}

/// <summary>A keying's result: its outcome, and the reason or the errors per question id when it took nothing.</summary>
internal sealed record KeyingResult(KeyingOutcome Outcome, string? Reason = null)
{
    public IReadOnlyDictionary<string, string> Errors { get; init; } = new Dictionary<string, string>();
}

/// <summary>One keying of a form, as kept until the form is agreed: who keyed it, when, and the answers (option codes).</summary>
internal sealed record Keying(string Keyer, DateTimeOffset At, IReadOnlyDictionary<string, IReadOnlyList<string>> Answers);

/// <summary>A form as the keying screen finds it by its token: its questionnaire, and its keyings so far.</summary>
internal sealed record KeyedForm(TokenAccess Access, Questionnaire? Questionnaire, Keying? First, Keying? Second)
{
    /// <summary>The form's number in the audit trail and on the screen: the start of its token's keyed hash (not the token).</summary>
    public string Number => Access.Hash.Length >= 10 ? Access.Hash[..10] : Access.Hash;
}

/// <summary>
/// Double keying of paper forms, the standard of survey data entry: a form counts once two people key it alike; where
/// they differ, a third person sees both and decides. Until then its keyings wait in table <c>PaperKeyings</c> (partition
/// = the wave, row = the form's token hash and the keying's slot: no token), and no answer reaches the response store;
/// the agreed form goes through <see cref="ResponseIntake"/> like every other answer (a token that answered online first
/// keeps that answer). Every keying is in the audit trail: who, when, which form (its number), and the outcome; never
/// the answers. On paper a question left blank is item nonresponse, not an error.
/// </summary>
internal sealed class PaperKeying(WaveStore store, TokenDirectory tokens, ResponseIntake intake, AuditTrail audit, TimeProvider time)
{
    public const string Table = "PaperKeyings";

    /// <summary>The audit trail's action for a keying.</summary>
    public const string AuditAction = "paper-keyed";

    /// <summary>Finds the form of <paramref name="typed"/> in wave <paramref name="waveId"/>, with its keyings; a refused token's access says why.</summary>
    public async Task<KeyedForm> OpenAsync(string waveId, string? typed, CancellationToken cancellationToken)
    {
        var access = await tokens.OpenAsync(typed, cancellationToken, paper: true, inWave: waveId);
        if (access.Entry is null || access.State is not (TokenState.Open or TokenState.Used))
        {
            return new(access, null, null, null);
        }

        var questionnaire = access.Wave!.Definition.QuestionnaireFor(access.Entry.Zone)!;
        var first = await ReadAsync(waveId, access.Hash, "1", cancellationToken);
        var second = await ReadAsync(waveId, access.Hash, "2", cancellationToken);
        if (access.State == TokenState.Used && (first ?? second) is not null)
        {
            // Stored already (online first, or a crash after the store and before this cleanup): the keyings go.
            await DeleteAsync(waveId, access.Hash, cancellationToken);
            (first, second) = (null, null);
        }

        return new(access, questionnaire, first, second);
    }

    /// <summary>
    /// Keys <paramref name="form"/> as <paramref name="keyer"/> typed it: <paramref name="printed"/> holds each question's
    /// printed codes (an option's code as printed next to its box; a number; a text). Skip logic is applied: an answer to
    /// a question the form's earlier answers skip is dropped, as the paper says to.
    /// </summary>
    public async Task<KeyingResult> KeyAsync(string waveId, KeyedForm form, string keyer, IReadOnlyDictionary<string, string> printed, CancellationToken cancellationToken)
    {
        if (Refusal(form) is { } refused)
        {
            return await AuditAsync(keyer, waveId, form, refused);
        }

        var (answers, errors) = Read(form.Questionnaire!, printed);
        if (errors.Count > 0)
        {
            return new KeyingResult(KeyingOutcome.Invalid) { Errors = errors };
        }

        if (form.Second is not null)
        {
            return await AuditAsync(keyer, waveId, form, new(KeyingOutcome.Refused, "Two keyings differ already: a third person decides."));
        }

        var keying = new Keying(keyer, time.GetUtcNow(), answers);
        if (form.First is not { } first)
        {
            return await WriteAsync(waveId, form.Access.Hash, "1", keying, cancellationToken)
                ? await AuditAsync(keyer, waveId, form, new(KeyingOutcome.First))
                : await AuditAsync(keyer, waveId, form, Concurrent);
        }

        if (SameKeyer(first.Keyer, keyer))
        {
            return await AuditAsync(keyer, waveId, form, new(KeyingOutcome.Refused, "You keyed this form first; the second keying must be by someone else."));
        }

        if (!Same(first.Answers, answers))
        {
            return await WriteAsync(waveId, form.Access.Hash, "2", keying, cancellationToken)
                ? await AuditAsync(keyer, waveId, form, new(KeyingOutcome.Disagreed), "with " + first.Keyer)
                : await AuditAsync(keyer, waveId, form, Concurrent);
        }

        return await StoreAsync(waveId, form, keyer, answers, new(KeyingOutcome.Agreed), "with " + first.Keyer, cancellationToken);
    }

    /// <summary>A third person's decision on a form whose two keyings differ: <paramref name="printed"/> as on the paper.</summary>
    public async Task<KeyingResult> DecideAsync(string waveId, KeyedForm form, string adjudicator, IReadOnlyDictionary<string, string> printed, CancellationToken cancellationToken)
    {
        if ((Refusal(form) ?? (form.Second is null ? new KeyingResult(KeyingOutcome.Refused, "This form has no two differing keyings to decide between.") : null)) is { } refused)
        {
            return await AuditAsync(adjudicator, waveId, form, refused);
        }

        if (SameKeyer(form.First!.Keyer, adjudicator) || SameKeyer(form.Second!.Keyer, adjudicator))
        {
            return await AuditAsync(adjudicator, waveId, form, new(KeyingOutcome.Refused, "You keyed this form; a third person decides."));
        }

        var (answers, errors) = Read(form.Questionnaire!, printed);
        return errors.Count > 0
            ? new KeyingResult(KeyingOutcome.Invalid) { Errors = errors }
            : await StoreAsync(waveId, form, adjudicator, answers, new(KeyingOutcome.Decided), $"between {form.First.Keyer} and {form.Second.Keyer}", cancellationToken);
    }

    /// <summary>The forms of a wave whose two keyings differ, oldest first: when, and by whom (no token: the adjudicator scans the form).</summary>
    public async Task<IReadOnlyList<(DateTimeOffset At, string First, string Second)>> DisagreementsAsync(string waveId, CancellationToken cancellationToken)
    {
        var rows = await store.Tables.QueryAllAsync(Table, TableQuery.InPartition(waveId), cancellationToken).ToListAsync(cancellationToken);
        var firsts = rows.Where(r => r.RowKey.EndsWith("|1", StringComparison.Ordinal)).ToDictionary(r => r.RowKey[..^2], r => r.GetString("Keyer") ?? string.Empty, StringComparer.Ordinal);
        return [.. rows.Where(r => r.RowKey.EndsWith("|2", StringComparison.Ordinal))
            .Select(r => (r.Get<DateTimeOffset>("At"), firsts.GetValueOrDefault(r.RowKey[..^2]) ?? "?", r.GetString("Keyer") ?? string.Empty))
            .OrderBy(d => d.Item1)];
    }

    /// <summary>Deletes a wave's waiting keyings (at the purge: their tokens' hashes go with the tokens); returns how many.</summary>
    public async Task<int> DeleteWaveAsync(string waveId, CancellationToken cancellationToken)
    {
        var rows = await store.Tables.QueryAllAsync(Table, TableQuery.InPartition(waveId), cancellationToken).ToListAsync(cancellationToken);
        foreach (var row in rows)
        {
            await store.Tables.DeleteAsync(Table, row.PartitionKey, row.RowKey, cancellationToken: cancellationToken);
        }

        return rows.Count;
    }

    /// <summary>The printed codes read back into option codes, checked against the form with its skips applied; errors by question id.</summary>
    public static (IReadOnlyDictionary<string, IReadOnlyList<string>> Answers, Dictionary<string, string> Errors) Read(Questionnaire questionnaire, IReadOnlyDictionary<string, string> printed)
    {
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var question in questionnaire.Questions)
        {
            var typed = printed.GetValueOrDefault(question.Id)?.Trim() ?? string.Empty;
            if (typed.Length == 0)
            {
                continue;
            }

            if (question.Type is QuestionType.Number or QuestionType.Text)
            {
                answers[question.Id] = [typed];
                continue;
            }

            var codes = question.Type == QuestionType.Multiple ? typed.Split([' ', ',', ';', '+'], StringSplitOptions.RemoveEmptyEntries) : [typed];
            var options = codes.Select(c => PaperCodes.Code(questionnaire, question, c)).ToList();
            if (options.Contains(null))
            {
                var allowed = string.Join(", ", PaperCodes.Of(questionnaire, question).Select(p => p.Printed));
                errors[question.Id] = question.Type == QuestionType.Multiple
                    ? $"'{typed}' is not a list of this question's codes ({allowed}), separated by spaces."
                    : $"'{typed}' is not a code of this question: {allowed}.";
                continue;
            }

            answers[question.Id] = [.. options.OfType<string>().Distinct(StringComparer.Ordinal)];
        }

        // Item nonresponse is no error on paper (only: none required); a skipped question's answer is dropped.
        var check = AnswerValidator.Check(questionnaire, answers, only: [], dropUnasked: true);
        foreach (var error in check.Errors.Where(e => !errors.ContainsKey(e.QuestionId)))
        {
            errors[error.QuestionId] = error.Message;
        }

        return (check.Answers, errors);
    }

    /// <summary>Why <paramref name="form"/> cannot be keyed (its token's state), or null when it can.</summary>
    public static KeyingResult? Refusal(KeyedForm form) => form.Access.State switch
    {
        TokenState.Open => null,
        TokenState.Used => new(KeyingOutcome.Refused, "This form's token answered already (online or on paper): the first answer stands."),
        TokenState.Malformed => new(KeyingOutcome.Refused, "Not a token: " + form.Access.Hint),
        TokenState.Busy => new(KeyingOutcome.Refused, "Too many unknown codes were tried this minute; try again in a minute."),
        TokenState.Closed => new(KeyingOutcome.Refused, form.Access.Hint ?? "The wave takes no paper forms now."),
        _ => new(KeyingOutcome.Refused, "No letter of this wave has this token."),
    };

    private async Task<KeyingResult> StoreAsync(string waveId, KeyedForm form, string who, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, KeyingResult done, string detail, CancellationToken cancellationToken)
    {
        var submission = new Submission(null, null, null, answers, ResponseRecord.Paper) { LimitPerToken = false, WaveId = waveId, DropUnasked = true };
        var result = await intake.SubmitAsync(form.Access, submission, cancellationToken);
        if (result.Status != IntakeStatus.Stored)
        {
            return await AuditAsync(who, waveId, form, Refusal(form with { Access = result.Access ?? form.Access }) ?? new(KeyingOutcome.Refused, "The answers do not fit the form: " + string.Join(" ", result.Errors.SelectMany(e => e.Value))));
        }

        // After the store: a crash here leaves keyings that the form's next opening deletes (its token is used by then).
        await DeleteAsync(waveId, form.Access.Hash, cancellationToken);
        return await AuditAsync(who, waveId, form, done, detail);
    }

    private async Task<KeyingResult> AuditAsync(string who, string waveId, KeyedForm form, KeyingResult result, string? with = null)
    {
        var detail = form.Access.Hash.Length > 0 ? "form " + form.Number + (with is null ? string.Empty : " " + with) : with;
        await audit.RecordAsync(who, AuditAction, waveId, result.Outcome.ToString().ToLowerInvariant(), detail, CancellationToken.None);
        return result;
    }

    private static bool SameKeyer(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    private static bool Same(IReadOnlyDictionary<string, IReadOnlyList<string>> a, IReadOnlyDictionary<string, IReadOnlyList<string>> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var other) && p.Value.Order(StringComparer.Ordinal).SequenceEqual(other.Order(StringComparer.Ordinal)));

    private async Task<Keying?> ReadAsync(string waveId, string hash, string slot, CancellationToken cancellationToken) =>
        await store.Tables.TryGetAsync(Table, waveId, hash + "|" + slot, cancellationToken) is { } row
            ? new Keying(row.GetString("Keyer") ?? string.Empty, row.Get<DateTimeOffset>("At"), JsonSerializer.Deserialize<Dictionary<string, IReadOnlyList<string>>>(row.GetString("Answers") ?? "{}")!)
            : null;

    private static readonly KeyingResult Concurrent = new(KeyingOutcome.Refused, "Someone else keyed this form at the same moment: scan it again.");

    /// <summary>Inserts a keying; false when its slot was taken meanwhile (two people keying the same form at once overwrite nothing).</summary>
    private async Task<bool> WriteAsync(string waveId, string hash, string slot, Keying keying, CancellationToken cancellationToken)
    {
        try
        {
            await store.Tables.InsertAsync(Table, new TableRow(waveId, hash + "|" + slot, new Dictionary<string, object>
            {
                ["Keyer"] = keying.Keyer,
                ["At"] = keying.At,
                ["Answers"] = JsonSerializer.Serialize(keying.Answers),
            }), cancellationToken);
            return true;
        }
        catch (ConflictException)
        {
            return false;
        }
    }

    private async Task DeleteAsync(string waveId, string hash, CancellationToken cancellationToken)
    {
        foreach (var slot in new[] { "1", "2" })
        {
            try
            {
                await store.Tables.DeleteAsync(Table, waveId, hash + "|" + slot, cancellationToken: cancellationToken);
            }
            catch (NotFoundException)
            {
            }
        }
    }
}
