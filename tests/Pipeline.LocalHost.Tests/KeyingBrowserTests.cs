using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The keying screen in headless Chromium, against the worker under the local host, by keyboard alone: two people key ten
/// paper forms each (the second differs on two), a third decides those two, and the aggregates count the ten with the
/// web answers; axe-core on every kind of page the screen shows, at 1280 px and 360 px.
/// </summary>
public sealed class KeyingBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task TenFormsKeyedTwice_TwoDisagreementsDecided_ByKeyboard_CountedInTheAggregates_Accessible()
    {
        var (wave, tokens) = await fixture.FieldworkWaveAsync(people: 40);
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var root = fixture.Host.Address.TrimEnd('/');
        var page = await fixture.PageAsync(1280, 900, locale: "en-GB");
        var narrow = await fixture.PageAsync(360, 740, locale: "en-GB");
        async Task AccessibleAsync(string what)
        {
            await fixture.AssertAccessibleAsync(page, what + " at 1280 px");
            await narrow.SetContentAsync(await page.ContentAsync());
            await fixture.AssertAccessibleAsync(narrow, what + " at 360 px");
        }

        // 25 people answer on the web, so that the wave's figures (30 respondents at least) are published.
        for (var i = 10; i < 35; i++)
        {
            await fixture.SubmitAsync(wave, tokens[i], seed: i);
        }

        await page.GotoAsync($"{root}/console/waves/{wave.Id}/keying/forms?lang=en");
        await page.GetByLabel("Your analyst's or operator's key").FocusAsync();
        await page.Keyboard.TypeAsync(LocalHostFixture.OperatorKey);
        await EnterAsync(page);
        Assert.Equal("Key paper forms", await page.Locator("h1").InnerTextAsync());
        await Assertions.Expect(page.Locator("#keyer")).ToBeFocusedAsync();
        await AccessibleAsync("the keying screen");

        // A typo in the code: the check character refuses it next to the field, and the field keeps the focus.
        await page.Keyboard.TypeAsync("An");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(tokens[0][..^1] + (tokens[0][^1] == '2' ? '3' : '2'));
        await EnterAsync(page);
        Assert.StartsWith("Not a token", await page.Locator("#token-error").InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("#token")).ToBeFocusedAsync();
        await AccessibleAsync("the keying screen with an error");
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.PressAsync("Backspace");

        var typed = Enumerable.Range(0, 10).Select(i => Printed(questionnaire, SyntheticAnswers.Complete(questionnaire, new Random(100 + i)))).ToList();
        string Other(string code) => code == "1" ? "2" : "1";
        for (var i = 0; i < 10; i++)
        {
            await KeyAsync(page, questionnaire, tokens[i], typed[i], keyerFirst: i == 0 ? null : "An");
            Assert.Contains("first keying saved", await page.Locator("p[role=status]").InnerTextAsync(), StringComparison.Ordinal);
            if (i == 0)
            {
                await AccessibleAsync("the keying screen after a keying");
            }
        }

        // A wrong code: marked invalid as it is typed, refused next to its field by the server when sent anyway.
        await page.Locator("#keyer").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Bart");
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.TypeAsync(tokens[0]);
        await EnterAsync(page);
        Assert.Contains("Second keying", await page.Locator("#mode").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibleAsync("a form's answers");
        await page.Keyboard.TypeAsync("7");
        Assert.True(await page.Locator("#a-buurt_inbraak:invalid").IsVisibleAsync(), "the code 7 is not marked as it is typed");
        await page.Keyboard.PressAsync("Backspace");

        for (var i = 0; i < 10; i++)
        {
            var second = new Dictionary<string, string>(typed[i]);
            if (i is 3 or 7)
            {
                second["buurt_inbraak"] = Other(second["buurt_inbraak"]);
            }

            await KeyAnswersAsync(page, questionnaire, second, opened: i == 0);
            Assert.Contains(i is 3 or 7 ? "differs from the first keying" : "stored", await page.Locator("p[role=status]").InnerTextAsync(), StringComparison.Ordinal);
            if (i < 9)
            {
                await page.Keyboard.TypeAsync(tokens[i + 1]);
                await EnterAsync(page);
            }
        }

        Assert.Equal(2, await page.Locator("h2:has-text('Waiting for a decision') + p + div tbody tr").CountAsync());
        Assert.Equal(["10", "20.0 %"], [await Cell(page, "An", 1), await Cell(page, "An", 5)]);

        // The third person scans each form that differs: the agreed answers are filled in, the focus is on the first that differs.
        await page.Locator("#keyer").FocusAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("Cas");
        foreach (var i in new[] { 3, 7 })
        {
            await page.Locator("#token").FocusAsync();
            await page.Keyboard.TypeAsync(tokens[i]);
            await EnterAsync(page);
            Assert.Contains("Two keyings differ", await page.Locator("#mode").InnerTextAsync(), StringComparison.Ordinal);
            await Assertions.Expect(page.Locator("#a-buurt_inbraak")).ToBeFocusedAsync();
            Assert.Contains($"First (An): {typed[i]["buurt_inbraak"]}", await page.Locator("#a-buurt_inbraak-hint").InnerTextAsync(), StringComparison.Ordinal);
            if (i == 3)
            {
                await AccessibleAsync("a decision between two keyings");
            }

            await page.Keyboard.TypeAsync(typed[i]["buurt_inbraak"]);
            await EnterAsync(page);
            Assert.Contains("decided and stored", await page.Locator("p[role=status]").InnerTextAsync(), StringComparison.Ordinal);
        }

        Assert.Equal("No form waits for a decision.", await page.Locator("h2:has-text('Waiting for a decision') + p").InnerTextAsync());

        // The aggregates count the ten paper forms with the 25 web answers, each once.
        var released = await fixture.ReleasedAsync(wave.Id, 35);
        Assert.Equal(10, released.Count(r => r.GetProperty("channel").GetString() == "paper"));
        using var analyst = new HttpClient { BaseAddress = new Uri(root) };
        analyst.DefaultRequestHeaders.Add("x-functions-key", BrowserFixture.AnalystKey);
        JsonElement whole = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            using var answer = await analyst.GetAsync(new Uri($"/api/waves/{wave.Id}/aggregates?level=wave&area={wave.Id}", UriKind.Relative));
            if (answer.IsSuccessStatusCode && (whole = await answer.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("responses", out var n) && n.ValueKind == JsonValueKind.Number && n.GetInt32() == 35)
            {
                break;
            }
        }

        Assert.Equal(35, whole.GetProperty("responses").GetInt32());
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "console-keying.png"), FullPage = true });
    }

    /// <summary>Types the keyer's name (when given: the field is empty the first time) and the code, then the form's answers.</summary>
    private static async Task KeyAsync(IPage page, Questionnaire questionnaire, string token, Dictionary<string, string> typed, string? keyerFirst)
    {
        if (keyerFirst is null)
        {
            await page.Keyboard.TypeAsync(token);
        }
        else
        {
            await Assertions.Expect(page.Locator("#token")).ToBeFocusedAsync();
            await page.Keyboard.TypeAsync(token);
        }

        await EnterAsync(page);
        await KeyAnswersAsync(page, questionnaire, typed, opened: true);
    }

    /// <summary>Every question in the paper's order, from the first field: its codes, Tab; Enter on the last sends the form.</summary>
    private static async Task KeyAnswersAsync(IPage page, Questionnaire questionnaire, Dictionary<string, string> typed, bool opened)
    {
        await Assertions.Expect(page.Locator("#a-" + questionnaire.Questions.First().Id)).ToBeFocusedAsync();
        var questions = questionnaire.Questions.ToList();
        for (var q = 0; q < questions.Count; q++)
        {
            if (typed[questions[q].Id] is { Length: > 0 } value)
            {
                await page.Keyboard.TypeAsync(value);
            }

            if (q < questions.Count - 1)
            {
                await page.Keyboard.PressAsync("Tab");
            }
        }

        await EnterAsync(page);
    }

    /// <summary>A form's answers as typed from the paper: the printed codes, several separated by spaces; skipped ones blank.</summary>
    private static Dictionary<string, string> Printed(Questionnaire questionnaire, Dictionary<string, IReadOnlyList<string>> answers) =>
        questionnaire.Questions.ToDictionary(q => q.Id, q => answers.TryGetValue(q.Id, out var codes) ? PaperCodes.Typed(questionnaire, q, codes) : string.Empty);

    private static async Task<string> Cell(IPage page, string keyer, int column) =>
        await page.Locator($"tr:has(th:text-is('{keyer}')) td").Nth(column - 1).InnerTextAsync();

    /// <summary>Presses Enter (on the focused field) and waits for the page the form's answer leads to.</summary>
    private static async Task EnterAsync(IPage page)
    {
#pragma warning disable CS0612
        await page.RunAndWaitForNavigationAsync(() => page.Keyboard.PressAsync("Enter"));
#pragma warning restore CS0612
    }
}
