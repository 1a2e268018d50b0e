using System.Globalization;
using Microsoft.Extensions.Primitives;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>One page of the form: a block, with the questions shown on it.</summary>
internal sealed record FormPage(int Number, Block Block, IReadOnlyList<Question> Questions);

/// <summary>Which pages the form shows, where a respondent resumes, and how a posted page changes the answers.</summary>
internal static class FormFlow
{
    public const string FieldPrefix = "q.";

    /// <summary>
    /// The pages for the answers so far: a question whose skip logic depends on an earlier page is shown only
    /// when asked; one that depends on its own page is shown, and hidden by the style sheet until it applies.
    /// A block with nothing to show is no page.
    /// </summary>
    public static IReadOnlyList<FormPage> Pages(Questionnaire questionnaire, IReadOnlyDictionary<string, IReadOnlyList<string>> answers)
    {
        var pages = new List<FormPage>();
        foreach (var block in questionnaire.Blocks)
        {
            var shown = block.Questions
                .Where(q => q.AskIf is null || block.Questions.Any(s => s.Id == q.AskIf.Question) || AnswerValidator.IsAsked(questionnaire, q, answers))
                .ToArray();
            if (shown.Length > 0)
            {
                pages.Add(new FormPage(pages.Count + 1, block, shown));
            }
        }

        return pages;
    }

    /// <summary>The page's errors, given all answers (skip logic within the page applied).</summary>
    public static IReadOnlyList<AnswerError> Check(Questionnaire questionnaire, FormPage page, IReadOnlyDictionary<string, IReadOnlyList<string>> answers) =>
        AnswerValidator.Check(questionnaire, answers, [.. page.Questions.Select(q => q.Id)], dropUnasked: true).Errors
            .Where(e => page.Questions.Any(q => q.Id == e.QuestionId))
            .ToList();

    /// <summary>The first page with something missing or wrong; past the last page (the review) when none.</summary>
    public static int ResumePage(Questionnaire questionnaire, IReadOnlyDictionary<string, IReadOnlyList<string>> answers)
    {
        var pages = Pages(questionnaire, answers);
        return pages.FirstOrDefault(p => Check(questionnaire, p, answers).Count > 0)?.Number ?? pages.Count + 1;
    }

    /// <summary>The answers with this page's fields replaced by what was posted (an empty field clears its answer).</summary>
    public static Dictionary<string, IReadOnlyList<string>> Merge(IReadOnlyDictionary<string, IReadOnlyList<string>> answers, FormPage page, IReadOnlyDictionary<string, StringValues> form)
    {
        var merged = answers.ToDictionary(StringComparer.Ordinal);
        foreach (var question in page.Questions)
        {
            merged.Remove(question.Id);
            if (form.TryGetValue(FieldPrefix + question.Id, out var values))
            {
                var given = values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).ToArray();
                if (given.Length > 0)
                {
                    merged[question.Id] = given;
                }
            }
        }

        return merged;
    }

    /// <summary>An error in the respondent's language.</summary>
    public static string Describe(AnswerError error, Question question, FormText text) => error.Problem switch
    {
        AnswerProblem.Required => text.Required,
        AnswerProblem.NotANumber or AnswerProblem.OutOfRange => string.Format(CultureInfo.InvariantCulture, text.NumberRange, question.Min, question.Max),
        AnswerProblem.TooLong => string.Format(CultureInfo.InvariantCulture, text.TooLong, question.MaxLength),
        _ => text.NotAnOption,
    };
}
