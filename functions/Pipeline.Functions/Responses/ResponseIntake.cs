using Pipeline.Functions.Waves;
using Pipeline.Survey;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>A submission as it arrives, from the API, the form or a keyed-in paper form.</summary>
internal sealed record Submission(string? Token, string? Language, string? QuestionnaireVersion, IReadOnlyDictionary<string, IReadOnlyList<string>> Answers, string Channel)
{
    /// <summary>Errors found while reading the body (e.g. an answer of the wrong JSON kind), reported with the rest.</summary>
    public FieldErrors ReadErrors { get; init; } = new();

    /// <summary>The form drops answers that skip logic leaves out; the API and paper refuse them.</summary>
    public bool DropUnasked { get; init; }

    /// <summary>Whether the per-token rate limit applies (not to operators keying in paper forms).</summary>
    public bool LimitPerToken { get; init; } = true;

    /// <summary>When set, a token of another wave is unknown (paper forms are keyed in per wave; see <see cref="TokenDirectory.OpenAsync"/>).</summary>
    public string? WaveId { get; init; }
}

internal enum IntakeStatus
{
    Stored,

    /// <summary>The token may not answer: see <see cref="IntakeResult.Access"/>.</summary>
    TokenRefused,

    /// <summary>The answers do not fit the questionnaire: see <see cref="IntakeResult.Errors"/>.</summary>
    Invalid,

    RateLimited,
}

internal sealed record IntakeResult(IntakeStatus Status, TokenAccess? Access = null)
{
    public Dictionary<string, string[]> Errors { get; init; } = [];

    public TimeSpan RetryAfter { get; init; }
}

/// <summary>The one path every submission takes: token, rate limit, questionnaire, language, answers, store.</summary>
internal sealed class ResponseIntake(TokenDirectory tokens, ResponseStore store, TokenRateLimiter limiter)
{
    public async Task<IntakeResult> SubmitAsync(Submission submission, CancellationToken cancellationToken) =>
        await SubmitAsync(await tokens.OpenAsync(submission.Token, cancellationToken, paper: submission.Channel == ResponseRecord.Paper, inWave: submission.WaveId), submission, cancellationToken);

    /// <summary>The same, for a token the caller has just opened (the form did, to draw its page; a keying, in its wave).</summary>
    public async Task<IntakeResult> SubmitAsync(TokenAccess access, Submission submission, CancellationToken cancellationToken)
    {
        if (access.State != TokenState.Open)
        {
            return new(IntakeStatus.TokenRefused, access);
        }

        if (submission.LimitPerToken && limiter.TryAcquire(access.Hash) is { } retry)
        {
            return new(IntakeStatus.RateLimited, access) { RetryAfter = retry };
        }

        var wave = access.Wave!.Definition;
        var questionnaire = wave.QuestionnaireFor(access.Entry!.Zone)!;
        var errors = submission.ReadErrors;
        if (submission.QuestionnaireVersion is { } version && version != wave.QuestionnaireVersion)
        {
            errors.Add("questionnaireVersion", $"This wave uses questionnaire {wave.QuestionnaireVersion}, not '{version}'.");
        }

        var language = submission.Language ?? access.Entry.Language;
        if (!wave.Languages.Contains(language))
        {
            errors.Add("language", $"'{language}' is not a language of this survey: {string.Join(", ", wave.Languages)}.");
        }

        // On paper a question left blank is item nonresponse: the form is taken without it (no form page asks again).
        var check = AnswerValidator.Check(questionnaire, submission.Answers, only: submission.Channel == ResponseRecord.Paper ? [] : null, dropUnasked: submission.DropUnasked);
        foreach (var error in check.Errors)
        {
            errors.Add(error.Path, error.Message);
        }

        if (errors.Count > 0)
        {
            return new(IntakeStatus.Invalid, access) { Errors = errors.ToDictionary() };
        }

        return await store.SubmitAsync(access, questionnaire, check.Answers, language, submission.Channel, cancellationToken) == SubmitOutcome.Stored
            ? new(IntakeStatus.Stored, access)
            : new(IntakeStatus.TokenRefused, access with { State = TokenState.Used });
    }
}
