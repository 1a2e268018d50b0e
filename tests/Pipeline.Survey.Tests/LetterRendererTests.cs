using System.Text;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Tokens;
using Pipeline.Tests.Shared;

namespace Pipeline.Survey.Tests;

public sealed class LetterRendererTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("wave-secret-for-tests-0123456789");

    private static LetterBatch Batch(LetterKind kind) => new(kind, "Veiligheidsmonitor 2026 – PZ Oostende", "PZ Oostende", "https://survey.example.be",
        new DateOnly(2026, 3, 2), new DateOnly(2026, 5, 11), "059 30 74 05", "kabinet@example.be", "00001.pdf");

    private static List<Letter> Letters(params string[] languages) => [.. languages.Select((language, i) =>
    {
        var token = AccessToken.Derive(Secret, "w", $"P{i}");
        return new Letter(i + 1, language, $"Łukasz Müller-{i}", ["Kerkstraat 1", "bus 2"], "8400", "Oostende", token.Display, token.Value);
    })];

    [Fact]
    public void Render_OnePagePerLetter_WithItsTokenUrlAndDeadline()
    {
        var letters = Letters("nl", "fr", "de", "en");
        using var pdf = new MemoryStream();

        LetterRenderer.Render(Batch(LetterKind.Invitation), letters, pdf);

        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf.ToArray(), 0, 5), StringComparison.Ordinal);
        var pages = PdfText.Pages(pdf);
        Assert.Equal(4, pages.Count);
        for (var i = 0; i < letters.Count; i++)
        {
            Assert.Contains(letters[i].TokenDisplay, pages[i], StringComparison.Ordinal);
            Assert.Contains("https://survey.example.be", pages[i], StringComparison.Ordinal);
            Assert.DoesNotContain(letters[(i + 1) % 4].TokenDisplay, pages[i], StringComparison.Ordinal);
        }

        Assert.Contains("anoniem", pages[0], StringComparison.Ordinal);
        Assert.Contains("11 mei 2026", pages[0], StringComparison.Ordinal);
        Assert.Contains("anonyme", pages[1], StringComparison.Ordinal);
        Assert.Contains("11 mai 2026", pages[1], StringComparison.Ordinal);
        Assert.Contains("anonym", pages[2], StringComparison.Ordinal);
        Assert.Contains("anonymously", pages[3], StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Reminder_HasTheReminderText()
    {
        using var pdf = new MemoryStream();
        LetterRenderer.Render(Batch(LetterKind.Reminder), Letters("nl", "en"), pdf);
        var pages = PdfText.Pages(pdf);
        Assert.Contains("nog niet deelgenomen", pages[0], StringComparison.Ordinal);
        Assert.Contains("You have not yet taken part", pages[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Manifest_OneRowPerLetter_WithPageAndAddress()
    {
        var letters = Letters("nl", "fr");
        using var csv = new MemoryStream();
        Manifest.Write(Batch(LetterKind.Invitation), letters, csv);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(string.Join(';', Manifest.Columns), lines[0]);
        Assert.Equal("2;00001.pdf;2;1;invitation;fr;Łukasz Müller-1;Kerkstraat 1;bus 2;8400;Oostende", lines[2]);
    }

    [Fact]
    public async Task ReminderPack_TheLetterThenTheQuestionnaireInItsLanguage_ItsCodeOnEveryPage_ManifestCountsThePages()
    {
        var questionnaire = Pipeline.Survey.Questionnaires.QuestionnaireCatalog.Find(Pipeline.Survey.Questionnaires.QuestionnaireCatalog.Versions.First())!;
        var letters = Letters("nl", "fr");
        var batch = Batch(LetterKind.Reminder) with { Enclosed = questionnaire };
        using var pdf = new MemoryStream();

        var packPages = LetterRenderer.Render(batch, letters, pdf);

        var pages = PdfText.Pages(pdf);
        var perPack = packPages["nl"];
        Assert.True(perPack >= 3, $"{perPack} pages a pack");
        Assert.Equal(perPack, packPages["fr"]);
        Assert.Equal(2 * perPack, pages.Count);
        Assert.Contains("papieren vragenlijst", pages[0], StringComparison.Ordinal);
        Assert.Contains("questionnaire papier", pages[perPack], StringComparison.Ordinal);
        for (var p = 1; p < perPack; p++)
        {
            Assert.Contains(letters[0].TokenDisplay, pages[p], StringComparison.Ordinal);
            Assert.Contains(letters[1].TokenDisplay, pages[perPack + p], StringComparison.Ordinal);
        }

        Assert.Contains(questionnaire.Questions.First().Text["nl"], pages[1], StringComparison.Ordinal);
        Assert.Contains(questionnaire.Questions.First().Text["fr"], pages[perPack + 1], StringComparison.Ordinal);

        // Read as a scanner reads the printed pages: every page of a pack has the letter's QR code, which opens the form (and
        // which the keying screen reads as the token).
        var barcodes = await Poppler.BarcodesAsync(pdf.ToArray());
        Assert.Equal(2 * perPack, barcodes.Count);
        for (var pack = 0; pack < 2; pack++)
        {
            var link = LetterRenderer.DeepLink(batch.SurveyBaseUrl, letters[pack].TokenValue);
            Assert.All(barcodes.Skip(pack * perPack).Take(perPack), page => Assert.Equal([link], page));
            Assert.Equal(letters[pack].TokenValue, Pipeline.Survey.Tokens.AccessToken.Parse(link).Token!.Value);
        }

        // No enclosure in an invitation, nor a line that announces one.
        using var invitation = new MemoryStream();
        Assert.Equal(1, LetterRenderer.Render(Batch(LetterKind.Invitation), letters, invitation)["nl"]);
        Assert.DoesNotContain("papieren vragenlijst", PdfText.Pages(invitation)[0], StringComparison.Ordinal);

        using var csv = new MemoryStream();
        Manifest.Write(batch, letters, csv, packPages);
        var lines = Encoding.UTF8.GetString(csv.ToArray()).TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith($"2;00001.pdf;{perPack + 1};{perPack};reminder;fr;", lines[2], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("=1+2 Formule")]
    [InlineData("=HYPERLINK(\"http://evil.example/x\",\"Klik hier\")")]
    [InlineData("+32 2 000 00 00")]
    [InlineData("-2+3")]
    [InlineData("@SUM(A1:A9)")]
    [InlineData("\tTab")]
    [InlineData("\rReturn")]
    public void Manifest_CellsThatASpreadsheetWouldRun_EscapedAsText(string value)
    {
        var token = AccessToken.Derive(Secret, "w", "P1");
        using var csv = new MemoryStream();

        Manifest.Write(Batch(LetterKind.Invitation), [new Letter(1, "nl", value, [value, "bus 2"], "8400", value, token.Display, token.Value)], csv);

        using var reader = new StreamReader(new MemoryStream(csv.ToArray()));
        var rows = new List<string[]>();
        using (var parser = CsvHelper.CsvReader.Create(reader, new CsvHelper.CsvReaderOptions { Separator = ';', HasHeader = true }))
        {
            while (parser.Read())
            {
                rows.Add([.. Enumerable.Range(0, parser.FieldCount).Select(parser.GetString)]);
            }
        }

        var row = Assert.Single(rows);
        Assert.Equal("'" + value, row[Manifest.Columns.ToList().IndexOf("name")]);
        Assert.Equal("'" + value, row[Manifest.Columns.ToList().IndexOf("address_line1")]);
        Assert.Equal("'" + value, row[Manifest.Columns.ToList().IndexOf("municipality")]);
        Assert.Equal("bus 2", row[Manifest.Columns.ToList().IndexOf("address_line2")]);
    }
}
