using System.Text.Json.Serialization;

namespace Pipeline.Survey.Questionnaires;

/// <summary>
/// One version of the questionnaire: named answer scales, then blocks of questions. Each block is a page of the
/// form. Texts are given per language (nl, fr, de, en). The schema is documented in docs/respondents.md.
/// </summary>
internal sealed record Questionnaire
{
    public string Version { get; init; } = string.Empty;

    public IReadOnlyList<string> Languages { get; init; } = [];

    public IReadOnlyDictionary<string, Scale> Scales { get; init; } = new Dictionary<string, Scale>();

    public IReadOnlyList<Block> Blocks { get; init; } = [];

    /// <summary>Every question, in the order the form asks them.</summary>
    [JsonIgnore]
    public IEnumerable<Question> Questions => Blocks.SelectMany(b => b.Questions);

    public Question? Find(string id) => Questions.FirstOrDefault(q => string.Equals(q.Id, id, StringComparison.Ordinal));

    /// <summary>The options a choice question offers, its scale's "don't know" last.</summary>
    public IReadOnlyList<ChoiceOption> OptionsOf(Question question)
    {
        if (question.Scale is { } name && Scales.TryGetValue(name, out var scale))
        {
            return scale.DontKnow is { } dk ? [.. scale.Options, dk] : scale.Options;
        }

        return question.Options;
    }

    /// <summary>The code that means "don't know" for a scale question, if its scale has one.</summary>
    public string? DontKnowOf(Question question) =>
        question.Scale is { } name && Scales.TryGetValue(name, out var scale) ? scale.DontKnow?.Code : null;

    /// <summary>This questionnaire with a zone's own questions as one more page before the last (background) page.</summary>
    public Questionnaire WithLocalQuestions(IReadOnlyList<Question> local)
    {
        if (local.Count == 0)
        {
            return this;
        }

        var block = new Block { Id = LocalBlockId, Title = LocalTitle, Questions = local };
        return this with { Blocks = [.. Blocks.Take(Blocks.Count - 1), block, .. Blocks.TakeLast(1)] };
    }

    public const string LocalBlockId = "lokaal";

    private static readonly IReadOnlyDictionary<string, string> LocalTitle = new Dictionary<string, string>
    {
        ["nl"] = "Vragen van uw zone",
        ["fr"] = "Questions de votre zone",
        ["de"] = "Fragen Ihrer Zone",
        ["en"] = "Questions from your area",
    };
}

/// <summary>One page of the form.</summary>
internal sealed record Block
{
    public string Id { get; init; } = string.Empty;

    public IReadOnlyDictionary<string, string> Title { get; init; } = new Dictionary<string, string>();

    /// <summary>Optional lead-in shown above the questions, e.g. the stem of a grid of statements.</summary>
    public IReadOnlyDictionary<string, string>? Intro { get; init; }

    public IReadOnlyList<Question> Questions { get; init; } = [];
}

internal enum QuestionType
{
    /// <summary>One option: a string code.</summary>
    Single,

    /// <summary>Any number of options: an array of distinct codes.</summary>
    Multiple,

    /// <summary>One point of an ordered scale, or its "don't know": a string code.</summary>
    Scale,

    /// <summary>A whole number between <see cref="Question.Min"/> and <see cref="Question.Max"/>.</summary>
    Number,

    /// <summary>Free text of at most <see cref="Question.MaxLength"/> characters.</summary>
    Text,
}

internal sealed record Question
{
    public string Id { get; init; } = string.Empty;

    public QuestionType Type { get; init; }

    public IReadOnlyDictionary<string, string> Text { get; init; } = new Dictionary<string, string>();

    /// <summary>Default true: an asked question must be answered.</summary>
    public bool Required { get; init; } = true;

    /// <summary>The named scale whose options this question offers (scale, single or multiple).</summary>
    public string? Scale { get; init; }

    /// <summary>The options of a single or multiple question without a scale.</summary>
    public IReadOnlyList<ChoiceOption> Options { get; init; } = [];

    public int? Min { get; init; }

    public int? Max { get; init; }

    public int? MaxLength { get; init; }

    /// <summary>Skip logic: asked only when an earlier question's answer is one of the given codes.</summary>
    public Condition? AskIf { get; init; }
}

internal sealed record ChoiceOption(string Code, IReadOnlyDictionary<string, string> Text);

/// <summary>Ordered options, lowest first, and an optional "don't know" that is reported apart.</summary>
internal sealed record Scale(IReadOnlyList<ChoiceOption> Options, ChoiceOption? DontKnow);

internal sealed record Condition(string Question, IReadOnlyList<string> In);

internal static class LocalText
{
    /// <summary>The text in <paramref name="language"/>, else Dutch, else any.</summary>
    public static string In(this IReadOnlyDictionary<string, string> text, string language) =>
        text.TryGetValue(language, out var s) ? s : text.TryGetValue("nl", out var nl) ? nl : text.Values.FirstOrDefault() ?? string.Empty;
}
