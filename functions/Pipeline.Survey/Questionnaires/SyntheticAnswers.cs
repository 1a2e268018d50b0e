using System.Globalization;

namespace Pipeline.Survey.Questionnaires;

/// <summary>Complete, valid answer sets drawn at random: for tests, the demo and the benchmarks.</summary>
internal static class SyntheticAnswers
{
    public static Dictionary<string, IReadOnlyList<string>> Complete(Questionnaire questionnaire, Random random)
    {
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var question in questionnaire.Questions)
        {
            if (!AnswerValidator.IsAsked(questionnaire, question, answers))
            {
                continue;
            }

            var options = questionnaire.OptionsOf(question);
            answers[question.Id] = question.Type switch
            {
                QuestionType.Multiple => options.Where(_ => random.Next(3) == 0).Select(o => o.Code).ToArray(),
                QuestionType.Number => [random.Next(question.Min!.Value, question.Max!.Value + 1).ToString(CultureInfo.InvariantCulture)],
                QuestionType.Text => ["Meer verlichting in het park, alstublieft."],
                _ => [options[random.Next(options.Count)].Code],
            };
        }

        return answers;
    }
}
