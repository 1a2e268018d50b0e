using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Pipeline.Survey.Sample;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The operator console in headless Chromium, against the worker under the local host: a whole wave through the console
/// alone (no API call): sign-in, a new wave (its error state first), the sample (a refusal, the file, a draw), proof
/// letters, the start's confirmation, the letters and their download, progress, the reminder rescheduled, the close
/// moved forward, and the run's own close and purge; by keyboard, with axe-core on every page at 1280 px and 360 px.
/// </summary>
public sealed class ConsoleBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Console_AWholeWave_WithoutTheApi_ByKeyboard_Accessible()
    {
        var root = fixture.Host.Address.TrimEnd('/');
        var wave = SyntheticSample.Wave("console-" + Guid.NewGuid().ToString("N")[..6], 1, ["nl", "fr"], DateOnly.FromDateTime(DateTime.UtcNow));
        var page = await fixture.PageAsync(1280, 900, locale: "en-GB");
        var narrow = await fixture.PageAsync(360, 740, locale: "en-GB");

        // Sign in (by keyboard: type the key, Enter).
        await page.GotoAsync($"{root}/console");
        await page.GetByLabel("Your analyst's or operator's key").FillAsync(LocalHostFixture.OperatorKey);
        await SubmitByEnterAsync(page);

        Assert.Equal("Waves", await page.Locator("h1").InnerTextAsync());
        await page.ScreenshotAsync(new() { Path = Screenshot("waves"), FullPage = true });
        await AccessibleAsync("the waves list");

        // A new wave: a malformed definition first, its message next to the field, then the real one.
        // The form of fields first, with a date that is no date and an address that is no https: the summary links to
        // each field, and each message stands next to its field.
        await page.GetByRole(AriaRole.Link, new() { Name = "New wave" }).ClickAsync();
        await page.GetByLabel("Id", new() { Exact = true }).FillAsync(wave.Id);
        await page.GetByLabel("Title", new() { Exact = true }).FillAsync(wave.Title);
        await page.GetByLabel("Survey address").FillAsync("ftp://survey.example.be");
        await page.GetByLabel("Invitation date (yyyy-mm-dd)").FillAsync("next monday");
        await page.GetByLabel("Areas (CSV)").FillAsync("zone;zone_name;municipality;neighbourhood\n" + string.Concat(wave.Zones.SelectMany(z => z.Municipalities.SelectMany(m => m.Neighbourhoods.Select(n => $"{z.Id};{z.Name};{m.Name};{n}\n")))));
        await page.GetByLabel("Areas (CSV)").FocusAsync();
        await page.Keyboard.PressAsync("Tab");
        await SubmitByEnterAsync(page);
        Assert.Equal("Give a date as yyyy-MM-dd.", await page.Locator("#invitationDate-error").InnerTextAsync());
        Assert.Equal("There is a problem", await page.Locator(".summary h2").InnerTextAsync());
        Assert.StartsWith("Give the survey site", await page.Locator("#surveyBaseUrl-error").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Screenshot("new-wave-fields-error"), FullPage = true });
        await AccessibleAsync("the new wave's fields with their errors");

        // Then the definition as JSON (with its margins, which the fields do not carry), malformed first.
        await page.GetByLabel("Definition (JSON)").FillAsync("{\"id\": \"" + wave.Id + "\",");
        await page.Keyboard.PressAsync("Tab");
        await SubmitByEnterAsync(page);
        Assert.Contains("not valid JSON", await page.Locator("#definition-error").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Screenshot("new-wave-error"), FullPage = true });
        await AccessibleAsync("the new wave form with its error");
        await page.GetByLabel("Definition (JSON)").FillAsync(JsonSerializer.Serialize(wave, Json));
        await page.Keyboard.PressAsync("Tab");
        await SubmitByEnterAsync(page);
        Assert.Equal(wave.Title, await page.Locator("h1").InnerTextAsync());
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

        // The sample: a file with a broken row (refused by line), the file, then a draw from a register extract.
        var csv = new StringWriter();
        SyntheticSample.WriteCsv(csv, SyntheticSample.People(wave, 12, 5));
        var lines = csv.ToString().Split('\n');
        var broken = Path.Combine(Path.GetTempPath(), $"{wave.Id}-broken.csv");
        await File.WriteAllTextAsync(broken, string.Join('\n', lines.Take(2)) + "\n" + lines[2].Replace(";nl;", ";xx;", StringComparison.Ordinal).Replace(";fr;", ";xx;", StringComparison.Ordinal) + "\n" + string.Join('\n', lines.Skip(3)));
        var sample = Path.Combine(Path.GetTempPath(), $"{wave.Id}-sample.csv");
        await File.WriteAllTextAsync(sample, csv.ToString());
        var register = new StringWriter();
        SyntheticSample.WriteCsv(register, SyntheticSample.People(wave, 400, 6));
        var extract = Path.Combine(Path.GetTempPath(), $"{wave.Id}-extract.csv");
        await File.WriteAllTextAsync(extract, register.ToString());

        await page.GetByRole(AriaRole.Link, new() { Name = "Sample file (CSV)" }).ClickAsync();
        await page.GetByLabel("Sample file (CSV)").SetInputFilesAsync(broken);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).FocusAsync();
        await SubmitByEnterAsync(page);
        Assert.Contains("nothing was imported", await page.Locator("#file-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("3", await page.Locator("table td.n").First.InnerTextAsync());
        await AccessibleAsync("the sample's refusal");
        await page.GetByLabel("Sample file (CSV)").SetInputFilesAsync(sample);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).FocusAsync();
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

        await page.GotoAsync($"{root}/console/waves/{wave.Id}/draw?lang=en");
        await page.GetByLabel("Extract (CSV)").SetInputFilesAsync(extract);
        await page.GetByLabel("Seed (empty: at random)").FillAsync("42");
        await page.GetByLabel("Per zone").FillAsync("12");
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());
        Assert.Contains("Seed (empty: at random): 42", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Screenshot("draw"), FullPage = true });
        await AccessibleAsync("the draw's report");

        // Proof letters, then the start's confirmation names the letters.
        await page.GotoAsync($"{root}/console/waves/{wave.Id}/proof?lang=en");
        await AccessibleAsync("the proof letters");
        var proof = await page.APIRequest.GetAsync(root + await page.GetByRole(AriaRole.Link, new() { Name = "Invitation (PDF)" }).GetAttributeAsync("href"));
        Assert.Equal("application/pdf", proof.Headers["content-type"]);
        await page.GotoAsync($"{root}/console/waves/{wave.Id}?lang=en");
        await AccessibleAsync("the wave's page before the start");
        await page.GetByRole(AriaRole.Link, new() { Name = "Start" }).ClickAsync();
        Assert.Contains("12 invitation letters", await page.Locator("#consequence").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibleAsync("the start's confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).FocusAsync();
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

        // The letters appear on the wave's page; their downloads open with the session.
        // Every invitation issued: the progress's total says 12 (the letters' links come batch by batch before that).
        for (var deadline = DateTime.UtcNow.AddSeconds(90); !(await page.Locator("table:has(caption:text('Progress')) tfoot").AllInnerTextsAsync()).Any(t => t.Contains("12", StringComparison.Ordinal)); await page.ReloadAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "no letters on the wave's page");
            await Task.Delay(1000);
        }

        await page.ScreenshotAsync(new() { Path = Screenshot("wave"), FullPage = true });
        await AccessibleAsync("the wave's page with its progress and letters");
        var pdf = await page.APIRequest.GetAsync(root + await page.Locator("table:has(caption:text('Letters')) a[download]:has-text('PDF')").First.GetAttributeAsync("href"));
        Assert.Equal(200, pdf.Status);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(await pdf.BodyAsync())[..4], StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">12</td>", await page.ContentAsync(), StringComparison.Ordinal);

        // Two paper forms come back, keyed elsewhere, with the tokens printed on the letters: the console takes them.
        using var letter = new MemoryStream(await pdf.BodyAsync());
        Pipeline.Survey.Letters.EmbeddedFonts.Install(); // PDFsharp, which reads the PDF back, refuses to run before its license is set
        var printed = Pipeline.Tests.Shared.PdfText.Pages(letter).Select(p => System.Text.RegularExpressions.Regex.Match(p, "[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]").Value).Take(2).ToList();
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var questions = questionnaire.Questions.Select(q => q.Id).ToList();
        var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(questionnaire, new Random(4));
        var keyed = Path.Combine(Path.GetTempPath(), $"{wave.Id}-paper.csv");
        await File.WriteAllTextAsync(keyed, "token;" + string.Join(";", questions) + "\n"
            + string.Concat(printed.Select(t => t + ";" + string.Join(";", questions.Select(q => answers.TryGetValue(q, out var v) ? string.Join("|", v) : "")) + "\n")));
        await page.GetByRole(AriaRole.Link, new() { Name = "Paper questionnaires" }).ClickAsync();
        await page.GetByLabel("Keyed questionnaires (CSV)").SetInputFilesAsync(keyed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).FocusAsync();
        await SubmitByEnterAsync(page);
        Assert.Contains("Accepted 2", (await page.Locator("dl.facts").InnerTextAsync()).ReplaceLineEndings(" "), StringComparison.Ordinal);
        await AccessibleAsync("the paper forms' report");

        // The host's release timer brings them to the progress and to the responses per day.
        await page.GotoAsync($"{root}/console/waves/{wave.Id}?lang=en");
        for (var deadline = DateTime.UtcNow.AddSeconds(60); await page.Locator("svg.perday").CountAsync() == 0; await page.ReloadAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "no responses per day on the wave's page");
            await Task.Delay(1000);
        }

        Assert.Equal("2 responses over 1 days, at most 2 in a day", await page.Locator("svg.perday").GetAttributeAsync("aria-label"));
        await page.ScreenshotAsync(new() { Path = Screenshot("wave"), FullPage = true });
        await AccessibleAsync("the wave's page with its responses per day");

        // A reschedule: a time that is no time, then one that is.
        await page.GetByRole(AriaRole.Link, new() { Name = "Reminder: Reschedule" }).ClickAsync();
        await page.GetByLabel("Reminder: Reschedule (UTC)").FillAsync("tomorrow");
        await SubmitByEnterAsync(page);
        Assert.Contains("A time in UTC", await page.Locator("#value-error").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibleAsync("the reschedule form with its error");
        await page.GetByLabel("Reminder: Reschedule (UTC)").FillAsync(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

        // The close, moved to a few seconds from now: the run closes the wave and, its retention over, purges it.
        await page.GetByRole(AriaRole.Link, new() { Name = "Close: Reschedule" }).ClickAsync();
        await page.GetByLabel("Close: Reschedule (UTC)").FillAsync(DateTime.UtcNow.AddSeconds(5).ToString("yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await SubmitByEnterAsync(page);
        for (var deadline = DateTime.UtcNow.AddSeconds(90); !(await page.Locator("dl.facts").InnerTextAsync()).Contains("personal data purged", StringComparison.Ordinal); await page.ReloadAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "the wave was not closed and purged: " + await page.Locator("dl.facts").InnerTextAsync());
            await Task.Delay(1000);
        }

        Assert.Contains("Closed", await page.Locator("dl.facts").InnerTextAsync(), StringComparison.Ordinal);
        var timeline = await page.Locator("table:has(caption:text('Timeline'))").InnerTextAsync();
        Assert.Matches(@"\d+ letters: Invitation, zone-1, (nl|fr), batch 1", timeline);
        Assert.DoesNotContain("Failed:", timeline, StringComparison.Ordinal);
        Assert.Contains("Operator: reschedule-reminder", timeline, StringComparison.Ordinal);
        Assert.Contains("Closed: 2 responses", timeline, StringComparison.Ordinal);
        Assert.Contains("Personal data purged", timeline, StringComparison.Ordinal);
        await AccessibleAsync("the closed and purged wave");

        // The typed confirmation's error state, and a page for a wave that does not exist.
        await page.GotoAsync($"{root}/console/waves/{wave.Id}/purge-now?lang=en");
        await page.GetByLabel("Type the wave's id to confirm").FillAsync("not-the-id");
        await SubmitByEnterAsync(page);
        Assert.Equal($"The id does not match: type {wave.Id}.", await page.Locator("#value-error").InnerTextAsync());
        await AccessibleAsync("the purge's confirmation with its error");
        var missing = await page.GotoAsync($"{root}/console/waves/no-such-wave?lang=en");
        Assert.Equal(404, missing!.Status);
        await AccessibleAsync("a wave that does not exist");

        await page.GetByRole(AriaRole.Link, new() { Name = "Operations" }).ClickAsync();
        Assert.Contains(wave.Id, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Screenshot("operations"), FullPage = true });
        await AccessibleAsync("the operations page");

        // Sign-ins and roles: this session's sign-in, with the role it gave.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sign-ins and roles" }).ClickAsync();
        Assert.Matches(@"sign-in\s+done 302\s+role=Operator sees every wave and area", await page.GetByRole(AriaRole.Table, new() { Name = "Sign-ins and roles" }).InnerTextAsync());
        Assert.Matches(@"Operator\s+every wave and area", await page.GetByRole(AriaRole.Table, new() { Name = "Keys" }).InnerTextAsync());
        await AccessibleAsync("the sign-ins and roles");

        async Task AccessibleAsync(string what)
        {
            await fixture.AssertAccessibleAsync(page, what + " at 1280 px");
            await narrow.SetContentAsync(await page.ContentAsync());
            await fixture.AssertAccessibleAsync(narrow, what + " at 360 px");
        }
    }

    /// <summary>Presses Enter (on the focused button or field) and waits for the page the form's answer leads to.</summary>
    private static async Task SubmitByEnterAsync(IPage page)
    {
        // WaitForURLAsync, the suggested replacement, cannot wait for a form that answers at the address it was sent from.
#pragma warning disable CS0612
        await page.RunAndWaitForNavigationAsync(() => page.Keyboard.PressAsync("Enter"));
#pragma warning restore CS0612
    }

    private static string Screenshot(string name) => Path.Combine(Path.GetTempPath(), $"console-{name}.png");
}
