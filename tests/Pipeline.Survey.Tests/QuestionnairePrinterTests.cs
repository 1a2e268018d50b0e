using System.Text.RegularExpressions;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;
using Pipeline.Tests.Shared;

namespace Pipeline.Survey.Tests;

/// <summary>The paper questionnaire, read back from its PDF: every question and option of the definition, numbered, with codes, and the token on every page.</summary>
public sealed partial class QuestionnairePrinterTests
{
    public static TheoryData<string> Languages() => ["nl", "fr", "de", "en"];

    [Theory]
    [MemberData(nameof(Languages))]
    public void Blank_EveryQuestionAndOption_OfTheDefinition_InItsLanguage_Numbered(string language)
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;

        var pages = Read(questionnaire, language, token: null);

        Assert.True(pages.Count >= 2, $"{pages.Count} pages");
        var all = string.Join(" ", pages);
        var number = 0;
        foreach (var intro in questionnaire.Blocks.Select(b => b.Intro?.In(language)).OfType<string>())
        {
            // The reader of the test does not map WinAnsi's ellipsis back; the text before it is what it checks.
            Assert.Contains(Words(intro.TrimEnd('…', ' ')), all, StringComparison.Ordinal);
        }

        foreach (var question in questionnaire.Questions)
        {
            number++;
            Assert.Contains($"{number}. ", all, StringComparison.Ordinal);
            Assert.Contains(Words(question.Text.In(language)), all, StringComparison.Ordinal);
            foreach (var option in questionnaire.OptionsOf(question))
            {
                Assert.Contains($"{option.Code} {Words(option.Text.In(language))}", all, StringComparison.Ordinal);
            }
        }

        Assert.All(pages, page => Assert.Contains(PaperText.For(language).Code, page, StringComparison.Ordinal));
    }

    [Fact]
    public void WithAToken_OnEveryPage_ConditionsPrintedBeforeTheirQuestion()
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;

        var pages = Read(questionnaire, "nl", token: "ABCD-EFGH-JKMN-P");

        Assert.All(pages, page => Assert.Contains("ABCD-EFGH-JKMN-P", page, StringComparison.Ordinal));
        var conditional = questionnaire.Questions.Select((q, i) => (q, Number: i + 1)).Where(p => p.q.AskIf is not null).ToList();
        Assert.NotEmpty(conditional);
        var all = string.Join(" ", pages);
        foreach (var (question, number) in conditional)
        {
            var asked = questionnaire.Questions.Select((q, i) => (q.Id, Number: i + 1)).Single(p => p.Id == question.AskIf!.Question).Number;
            Assert.Matches($"Alleen als u bij vraag {asked} .*? aankruiste: {number}\\. ", all);
        }
    }

    private static List<string> Read(Questionnaire questionnaire, string language, string? token)
    {
        using var pdf = new MemoryStream();
        QuestionnairePrinter.Render(questionnaire, language, "Veiligheidsmonitor 2026", token, pdf);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf.ToArray(), 0, 5), StringComparison.Ordinal);
        return [.. PdfText.Pages(pdf).Select(p => Space().Replace(p, " "))];
    }

    private static string Words(string text) => Space().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
