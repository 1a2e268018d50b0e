using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Pipeline.Survey.Sample;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The operator console in headless Chromium, against the worker under the local host: sign-in, a new wave (its error
/// state first), the start's confirmation, the letters and a reschedule, by keyboard, with axe-core on every page at
/// 1280 px and 360 px.
/// </summary>
public sealed class ConsoleBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Console_NewWave_Start_Letters_Reschedule_ByKeyboard_Accessible()
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
        await page.GetByRole(AriaRole.Link, new() { Name = "New wave" }).ClickAsync();
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

        // The sample (the console's upload comes in a later stage), then the start's confirmation names the letters.
        using var api = OperatorApi.Client(root);
        var csv = new StringWriter();
        SyntheticSample.WriteCsv(csv, SyntheticSample.People(wave, 12, 5));
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsync(new Uri($"/api/waves/{wave.Id}/sample", UriKind.Relative), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).StatusCode);
        await page.ReloadAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Start" }).ClickAsync();
        Assert.Contains("12 invitation letters", await page.Locator("#consequence").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibleAsync("the start's confirmation");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).FocusAsync();
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

        // The letters appear on the wave's page; their downloads open with the session.
        for (var deadline = DateTime.UtcNow.AddSeconds(90); await page.Locator("a[download]").CountAsync() < 2; await page.ReloadAsync())
        {
            Assert.True(DateTime.UtcNow < deadline, "no letters on the wave's page");
            await Task.Delay(1000);
        }

        await page.ScreenshotAsync(new() { Path = Screenshot("wave"), FullPage = true });
        await AccessibleAsync("the wave's page with its progress and letters");
        var pdf = await page.APIRequest.GetAsync(root + await page.Locator("a[download]:has-text('PDF')").First.GetAttributeAsync("href"));
        Assert.Equal(200, pdf.Status);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(await pdf.BodyAsync())[..4], StringComparison.Ordinal);
        Assert.Contains("<td class=\"n\">12</td>", await page.ContentAsync(), StringComparison.Ordinal);

        // A reschedule: a time that is no time, then one that is.
        await page.GetByRole(AriaRole.Link, new() { Name = "Reminder: Reschedule" }).ClickAsync();
        await page.GetByLabel("Reminder: Reschedule (UTC)").FillAsync("tomorrow");
        await SubmitByEnterAsync(page);
        Assert.Contains("A time in UTC", await page.Locator("#value-error").InnerTextAsync(), StringComparison.Ordinal);
        await AccessibleAsync("the reschedule form with its error");
        await page.GetByLabel("Reminder: Reschedule (UTC)").FillAsync(DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture));
        await SubmitByEnterAsync(page);
        Assert.Equal("Done.", await page.Locator("p[role=status]").InnerTextAsync());

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
        var before = page.Url;
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(url => url != before);
    }

    private static string Screenshot(string name) => Path.Combine(Path.GetTempPath(), $"console-{name}.png");
}
