using System.Globalization;

namespace Pipeline.Survey.Questionnaires;

/// <summary>Why an answer was refused; the form words each in the respondent's language.</summary>
internal enum AnswerProblem
{
    UnknownQuestion,
    NotAsked,
    Required,
    NotAnOption,
    NotANumber,
    OutOfRange,
    TooLong,
    OneValueOnly,
    Repeated,
}

internal sealed record AnswerError(string QuestionId, AnswerProblem Problem, string Message)
{
    /// <summary>The field's path in a request body: <c>answers.{id}</c>.</summary>
    public string Path => "answers." + QuestionId;
}

/// <summary>The answers that passed, cleaned (trimmed, empty dropped), and the errors of those that did not.</summary>
internal sealed record AnswerCheck(IReadOnlyDictionary<string, IReadOnlyList<string>> Answers, IReadOnlyList<AnswerError> Errors)
{
    public bool Ok => Errors.Count == 0;
}

/// <summary>
/// Checks answers against a questionnaire. Every answer is a list of strings (one code, several codes, a number
/// or a text), so the JSON API, the HTML form and keyed-in paper forms share one set of rules.
/// </summary>
internal static class AnswerValidator
{
    /// <summary>
    /// Checks <paramref name="answers"/>. With <paramref name="only"/>, only those questions are checked for being
    /// required (a page of the form); otherwise every asked question must have its required answer.
    /// With <paramref name="dropUnasked"/>, an answer to a question that skip logic leaves out is dropped (the
    /// form, where a respondent may change an earlier answer); otherwise it is an error (the API).
    /// </summary>
    public static AnswerCheck Check(
        Questionnaire questionnaire,
        IReadOnlyDictionary<string, IReadOnlyList<string>> answers,
        IReadOnlyCollection<string>? only = null,
        bool dropUnasked = false)
    {
        var errors = new List<AnswerError>();
        var kept = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var id in answers.Keys.Where(id => questionnaire.Find(id) is null).Order(StringComparer.Ordinal))
        {
            errors.Add(new(id, AnswerProblem.UnknownQuestion, $"There is no question '{id}' in questionnaire {questionnaire.Version}."));
        }

        foreach (var question in questionnaire.Questions)
        {
            var values = answers.TryGetValue(question.Id, out var given)
                ? given.Select(v => v?.Trim() ?? string.Empty).Where(v => v.Length > 0).ToArray()
                : [];
            var inScope = only is null || only.Contains(question.Id);
            if (!IsAsked(questionnaire, question, kept))
            {
                if (values.Length > 0 && !dropUnasked)
                {
                    var c = question.AskIf!;
                    errors.Add(new(question.Id, AnswerProblem.NotAsked, $"Not asked: '{question.Id}' is only asked when '{c.Question}' is {string.Join(" or ", c.In)}."));
                }

                continue;
            }

            if (values.Length == 0)
            {
                if (question.Required && inScope)
                {
                    errors.Add(new(question.Id, AnswerProblem.Required, "An answer is required."));
                }

                continue;
            }

            if (CheckValue(questionnaire, question, values) is { } error)
            {
                errors.Add(error);
                continue;
            }

            kept[question.Id] = values;
        }

        return new(kept, errors);
    }

    /// <summary>True when skip logic asks <paramref name="question"/>, given the answers so far.</summary>
    public static bool IsAsked(Questionnaire questionnaire, Question question, IReadOnlyDictionary<string, IReadOnlyList<string>> answers) =>
        question.AskIf is not { } c
        || (answers.TryGetValue(c.Question, out var source) && source.Any(c.In.Contains)
            && questionnaire.Find(c.Question) is { } parent && IsAsked(questionnaire, parent, answers));

    private static AnswerError? CheckValue(Questionnaire questionnaire, Question question, string[] values)
    {
        switch (question.Type)
        {
            case QuestionType.Multiple:
                var codes = questionnaire.OptionsOf(question).Select(o => o.Code).ToArray();
                if (values.FirstOrDefault(v => !codes.Contains(v)) is { } wrong)
                {
                    return new(question.Id, AnswerProblem.NotAnOption, $"'{wrong}' is not an option; give any of {string.Join(", ", codes)}.");
                }

                return values.Distinct(StringComparer.Ordinal).Count() != values.Length
                    ? new(question.Id, AnswerProblem.Repeated, "An option is given twice.")
                    : null;
            case var _ when values.Length > 1:
                return new(question.Id, AnswerProblem.OneValueOnly, "Give one value, not a list.");
            case QuestionType.Single or QuestionType.Scale:
                var options = questionnaire.OptionsOf(question).Select(o => o.Code).ToArray();
                return options.Contains(values[0])
                    ? null
                    : new(question.Id, AnswerProblem.NotAnOption, $"'{values[0]}' is not an option; give one of {string.Join(", ", options)}.");
            case QuestionType.Number:
                if (!int.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n))
                {
                    return new(question.Id, AnswerProblem.NotANumber, $"Give a whole number from {question.Min} to {question.Max}.");
                }

                return n < question.Min || n > question.Max
                    ? new(question.Id, AnswerProblem.OutOfRange, $"{n} is out of range: give a whole number from {question.Min} to {question.Max}.")
                    : null;
            default:
                return values[0].Length > question.MaxLength
                    ? new(question.Id, AnswerProblem.TooLong, $"At most {question.MaxLength} characters; this answer has {values[0].Length}.")
                    : null;
        }
    }
}
