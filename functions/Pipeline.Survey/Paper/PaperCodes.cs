using System.Globalization;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Survey.Paper;

/// <summary>
/// The code printed next to each tick box, which the keyer types: the option's own code where every option of the
/// question has a short numeric one (as the survey's scales do), otherwise its place in the list, 1, 2, 3… (a code such
/// as <c>sloten</c> is for the data, not for a keyer's number pad).
/// </summary>
internal static class PaperCodes
{
    public static IReadOnlyList<(string Printed, ChoiceOption Option)> Of(Questionnaire questionnaire, Question question)
    {
        var options = questionnaire.OptionsOf(question);
        var numeric = options.All(o => o.Code.Length <= 2 && o.Code.All(char.IsAsciiDigit));
        return [.. options.Select((o, i) => (numeric ? o.Code : (i + 1).ToString(CultureInfo.InvariantCulture), o))];
    }

    /// <summary>The printed code of the option whose code is <paramref name="code"/>.</summary>
    public static string Printed(Questionnaire questionnaire, Question question, string code) =>
        Of(questionnaire, question).FirstOrDefault(p => string.Equals(p.Option.Code, code, StringComparison.Ordinal)).Printed ?? code;

    /// <summary>An answer as a keyer types it from the paper: its printed codes separated by spaces; a number or a text as it is.</summary>
    public static string Typed(Questionnaire questionnaire, Question question, IReadOnlyList<string> answer) =>
        string.Join(' ', question.Type is QuestionType.Number or QuestionType.Text ? answer : answer.Select(code => Printed(questionnaire, question, code)));

    /// <summary>The option code of the printed code <paramref name="printed"/>, or null when no box has it.</summary>
    public static string? Code(Questionnaire questionnaire, Question question, string printed) =>
        Of(questionnaire, question).FirstOrDefault(p => string.Equals(p.Printed, printed, StringComparison.Ordinal)).Option?.Code;
}
