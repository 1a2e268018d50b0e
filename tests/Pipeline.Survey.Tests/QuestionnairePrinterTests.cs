using System.Text.RegularExpressions;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;
using Pipeline.Tests.Shared;

namespace Pipeline.Survey.Tests;

/// <summary>The paper questionnaire, read back from its PDF (by pdftotext, our reader and ZXing.Net): every question and option of the definition, numbered, with codes, and the token in print and as a QR code on every page.</summary>
public sealed partial class QuestionnairePrinterTests
{
    public static TheoryData<string> Languages() => ["nl", "fr", "de", "en"];

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Blank_EveryQuestionAndOption_OfTheDefinition_InItsLanguage_Numbered_NoCode(string language)
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;
        var pdf = Render(questionnaire, language, code: null);

        // As pdftotext reads it (the other tests use our own reader).
        var pages = (await Poppler.TextAsync(pdf)).Select(Words).ToList();

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
            foreach (var (printed, option) in PaperCodes.Of(questionnaire, question))
            {
                Assert.Contains($"{printed} {Words(option.Text.In(language))}", all, StringComparison.Ordinal);
            }
        }

        Assert.All(pages, page => Assert.Contains(PaperText.For(language).Code, page, StringComparison.Ordinal));
        Assert.All(await Poppler.BarcodesAsync(pdf), Assert.Empty);
    }

    [Fact]
    public void PaperCodes_NumericCodesAsTheyAre_WordsByTheirPlace_BothWays()
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;
        var measures = questionnaire.Find("preventie_maatregelen")!;
        var work = questionnaire.Find("achtergrond_werk")!;

        Assert.Equal(["1", "2", "3", "4", "5"], PaperCodes.Of(questionnaire, measures).Select(p => p.Printed));
        Assert.Equal("sloten", PaperCodes.Code(questionnaire, measures, "1"));
        Assert.Equal("2", PaperCodes.Printed(questionnaire, measures, "alarm"));
        Assert.Null(PaperCodes.Code(questionnaire, measures, "6"));
        Assert.Equal(questionnaire.OptionsOf(work).Select(o => o.Code), PaperCodes.Of(questionnaire, work).Select(p => p.Printed));
    }

    [Fact]
    public async Task WithACode_ItsQrCodeOnEveryPage_DecodesToTheToken()
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;
        var token = Pipeline.Survey.Tokens.AccessToken.Derive([1, 2, 3], "w-2026", "person-1");

        var barcodes = await Poppler.BarcodesAsync(Render(questionnaire, "fr", new FormCode(token.Display, token.Value)));

        Assert.True(barcodes.Count >= 2, $"{barcodes.Count} pages");
        Assert.All(barcodes, page => Assert.Equal([token.Value], page));
    }

    [Fact]
    public void WithAToken_OnEveryPage_ConditionsPrintedBeforeTheirQuestion()
    {
        var questionnaire = QuestionnaireCatalog.Find(QuestionnaireCatalog.Versions.First())!;

        var pages = Read(questionnaire, "nl", new FormCode("ABCD-EFGH-JKMN-P", "ABCDEFGHJKMNP"));

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

    private static List<string> Read(Questionnaire questionnaire, string language, FormCode? code) =>
        [.. PdfText.Pages(new MemoryStream(Render(questionnaire, language, code))).Select(p => Space().Replace(p, " "))];

    private static byte[] Render(Questionnaire questionnaire, string language, FormCode? code)
    {
        using var pdf = new MemoryStream();
        QuestionnairePrinter.Render(questionnaire, language, "Veiligheidsmonitor 2026", code, pdf);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf.ToArray(), 0, 5), StringComparison.Ordinal);
        return pdf.ToArray();
    }

    private static string Words(string text) => Space().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Space();
}
