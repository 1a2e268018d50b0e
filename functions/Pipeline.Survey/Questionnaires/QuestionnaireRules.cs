using System.Text.RegularExpressions;

namespace Pipeline.Survey.Questionnaires;

/// <summary>
/// Checks a questionnaire definition, or a zone's local questions against it: ids unique and well formed, a text
/// in every language, the fields each type needs, and skip logic that refers to an earlier question's codes.
/// </summary>
internal static partial class QuestionnaireRules
{
    // Codes reach HTML attributes, CSS selectors and CSV cells: nothing there may need escaping to be safe.
    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9_-]{1,20}$")]
    private static partial System.Text.RegularExpressions.Regex OptionCode();

    public const int MaxTextLength = 2000;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex IdPattern();

    public static Dictionary<string, string[]> Validate(Questionnaire questionnaire)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(questionnaire.Version))
        {
            errors.Add("version", "This field is required.");
        }

        foreach (var (name, scale) in questionnaire.Scales)
        {
            if (scale.Options is not { Count: >= 2 })
            {
                errors.Add($"scales.{name}.options", "A scale needs at least two options.");
            }

            var options = scale.DontKnow is { } dk ? [.. scale.Options ?? [], dk] : scale.Options ?? [];
            CheckOptions(errors, $"scales.{name}", options, questionnaire.Languages);
        }

        var asked = new List<Question>();
        for (var b = 0; b < questionnaire.Blocks.Count; b++)
        {
            var block = questionnaire.Blocks[b];
            CheckText(errors, $"blocks[{b}].title", block.Title, questionnaire.Languages);
            if (block.Questions is not { Count: > 0 })
            {
                errors.Add($"blocks[{b}].questions", "A block needs at least one question.");
            }

            CheckQuestions(errors, $"blocks[{b}].questions", block.Questions ?? [], questionnaire, asked, questionnaire.Languages);
        }

        return errors.ToDictionary();
    }

    /// <summary>Checks a zone's own questions; errors are keyed under <paramref name="path"/>.</summary>
    public static void ValidateLocal(FieldErrors errors, string path, IReadOnlyList<Question> local, Questionnaire questionnaire, IReadOnlyList<string> languages)
    {
        CheckQuestions(errors, path, local, questionnaire, [.. questionnaire.Questions], languages);
    }

    private static void CheckQuestions(FieldErrors errors, string path, IReadOnlyList<Question> questions, Questionnaire questionnaire, List<Question> asked, IReadOnlyList<string> languages)
    {
        for (var i = 0; i < questions.Count; i++)
        {
            var q = questions[i];
            var at = $"{path}[{i}]";
            if (q is null)
            {
                errors.Add(at, "A question is missing.");
                continue;
            }

            if (!IdPattern().IsMatch(q.Id ?? string.Empty))
            {
                errors.Add($"{at}.id", "Use 1–40 lower-case letters, digits and underscores, starting with a letter.");
            }
            else if (asked.Any(a => a.Id == q.Id))
            {
                errors.Add($"{at}.id", $"Question id '{q.Id}' is used twice.");
            }

            CheckText(errors, $"{at}.text", q.Text, languages);
            switch (q.Type)
            {
                case QuestionType.Single or QuestionType.Multiple or QuestionType.Scale:
                    if (q.Scale is { } scale && !questionnaire.Scales.ContainsKey(scale))
                    {
                        errors.Add($"{at}.scale", $"There is no scale '{scale}'; the scales are {string.Join(", ", questionnaire.Scales.Keys)}.");
                    }
                    else if (q.Scale is null && q.Type == QuestionType.Scale)
                    {
                        errors.Add($"{at}.scale", "A scale question names its scale.");
                    }
                    else if (q.Scale is null)
                    {
                        if (q.Options is not { Count: >= 2 })
                        {
                            errors.Add($"{at}.options", "Give at least two options, or a scale.");
                        }

                        CheckOptions(errors, at, q.Options ?? [], languages);
                    }

                    break;
                case QuestionType.Number when q.Min is not { } min || q.Max is not { } max || min > max:
                    errors.Add($"{at}.max", "A number question needs min ≤ max.");
                    break;
                case QuestionType.Text when q.MaxLength is not (> 0 and <= MaxTextLength):
                    errors.Add($"{at}.maxLength", $"A text question needs a maxLength of 1 to {MaxTextLength}.");
                    break;
            }

            if (q.AskIf is { } condition)
            {
                var source = asked.FirstOrDefault(a => a.Id == condition.Question);
                if (source is null)
                {
                    errors.Add($"{at}.askIf.question", $"'{condition.Question}' is not an earlier question.");
                }
                else if (condition.In is not { Count: > 0 } || condition.In.Except(questionnaire.OptionsOf(source).Select(o => o.Code)).Any())
                {
                    errors.Add($"{at}.askIf.in", $"Give one or more codes of '{source.Id}': {string.Join(", ", questionnaire.OptionsOf(source).Select(o => o.Code))}.");
                }
            }

            asked.Add(q);
        }
    }

    private static void CheckOptions(FieldErrors errors, string path, IReadOnlyList<ChoiceOption> options, IReadOnlyList<string> languages)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var o = 0; o < options.Count; o++)
        {
            if (options[o] is not { Code: { } code } option || !OptionCode().IsMatch(code))
            {
                errors.Add($"{path}.options[{o}].code", "Give a code of 1 to 20 letters, digits, '_' or '-'.");
                continue;
            }

            if (!codes.Add(option.Code))
            {
                errors.Add($"{path}.options[{o}].code", $"Code '{option.Code}' is used twice.");
            }

            CheckText(errors, $"{path}.options[{o}].text", option.Text, languages);
        }
    }

    private static void CheckText(FieldErrors errors, string path, IReadOnlyDictionary<string, string>? text, IReadOnlyList<string> languages)
    {
        foreach (var language in languages)
        {
            if (text is null || !text.TryGetValue(language, out var s) || string.IsNullOrWhiteSpace(s))
            {
                errors.Add($"{path}.{language}", $"Give the text in '{language}'.");
            }
            else if (s.Length > MaxTextLength)
            {
                errors.Add($"{path}.{language}", $"At most {MaxTextLength} characters.");
            }
        }
    }
}
