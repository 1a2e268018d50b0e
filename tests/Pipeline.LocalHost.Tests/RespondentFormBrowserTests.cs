using Microsoft.Playwright;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The respondent form in headless Chromium (Debian's, driven by Playwright), against the worker under the local host,
/// on a 360 px wide phone screen: a typo in the token, one page with a missing answer, back and forth, skip logic, save,
/// resume in a new session, review, submit, and the response as stored.
/// </summary>
public sealed class RespondentFormBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    private string Root => fixture.Host.Address.TrimEnd('/');

    private Task<IPage> PhoneAsync() => fixture.PageAsync(360, 740);

    [Fact]
    public async Task Form_InDutchOnAPhone_TypoFixed_ErrorCorrected_BackAndForth_SaveResumeSubmit_StoresTheAnswers()
    {
        var (wave, tokens) = await fixture.FieldworkWaveAsync(people: 6);
        var token = tokens[0];
        var page = await PhoneAsync();

        // A typo: the check character catches it, and the message says so next to the field.
        await page.GotoAsync(Root + "/");
        Assert.StartsWith("Vul uw persoonlijke code in", await page.TitleAsync(), StringComparison.Ordinal);
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Tab");
        var typo = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        await page.GetByLabel("Code op uw brief").FillAsync(typo);
        await page.GetByRole(AriaRole.Button, new() { Name = "Begin" }).ClickAsync();
        Assert.Contains("verkeerd overgetypt", await page.Locator("#token-error").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal("true", await page.GetByLabel("Code op uw brief").GetAttributeAsync("aria-invalid"));
        await fixture.AssertAccessibleAsync(page, "token entry with a typo");

        // The right token, typed in lower case without dashes.
        await page.GetByLabel("Code op uw brief").FillAsync(token.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        await page.GetByRole(AriaRole.Button, new() { Name = "Begin" }).ClickAsync();
        Assert.Equal("Problemen in uw buurt", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Pagina 1 van", await page.Locator("#progress").InnerTextAsync(), StringComparison.Ordinal);

        // Page 1 with one answer missing: the error is in the summary and next to the question.
        await AnswerAsync(page, skip: "buurt_drugs");
        await NextAsync(page);
        Assert.Equal("Beantwoord deze vraag.", await page.Locator("#e-buurt_drugs").InnerTextAsync());
        Assert.Contains("Drugsoverlast", await page.Locator(".summary").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.AssertAccessibleAsync(page, "a page with a missing answer");
        await page.Locator("#q-buurt_drugs").GetByLabel("Vaak").CheckAsync();
        await NextAsync(page);

        // Page 2: the follow-up question shows only after "Ja" (style sheet, no script).
        Assert.Equal("Gevoelens van onveiligheid", await page.Locator("h1").InnerTextAsync());
        Assert.False(await page.Locator("#q-onveilig_hoevaak").IsVisibleAsync());
        await page.Locator("#q-onveilig_ooit").GetByLabel("Ja").CheckAsync();
        Assert.True(await page.Locator("#q-onveilig_hoevaak").IsVisibleAsync());
        await page.Locator("#q-onveilig_hoevaak").GetByLabel("Soms").CheckAsync();
        await AnswerAsync(page);
        await NextAsync(page);

        // Back: the answers are still there. Forward again.
        await page.GetByRole(AriaRole.Button, new() { Name = "Vorige" }).ClickAsync();
        Assert.True(await page.Locator("#q-onveilig_hoevaak").GetByLabel("Soms").IsCheckedAsync());
        await NextAsync(page);

        // Victim of bicycle theft only: the reporting page asks about that alone.
        await page.Locator("#q-slachtoffer_fiets").GetByLabel("Ja").CheckAsync();
        await AnswerAsync(page, pick: "Nee");
        await NextAsync(page);
        Assert.Equal("Aangifte bij de politie", await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("fieldset.q").CountAsync());
        await page.Locator("#q-aangifte_fiets").GetByLabel("Ja").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Opslaan en later verder" }).ClickAsync();
        Assert.Contains("bewaard", await page.Locator(".notice").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();

        // Another day, another session, with script: the QR code (the token after '#') resumes at the first unanswered page,
        // and the token leaves the address bar; no request the server received carried it in its path or query.
        page = await fixture.PageAsync(360, 740, script: true);
        var urls = new List<string>();
        page.Request += (_, request) => urls.Add(request.Url);
        await page.GotoAsync($"{Root}/#{token.Replace("-", "", StringComparison.Ordinal)}");
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/form"));
        Assert.Equal("Contact met de politie", await page.Locator("h1").InnerTextAsync());
        Assert.DoesNotContain(token.Replace("-", "", StringComparison.Ordinal), page.Url, StringComparison.Ordinal);
        Assert.All(urls, u => Assert.DoesNotContain(token.Replace("-", "", StringComparison.Ordinal), new Uri(u).GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped), StringComparison.Ordinal));
        await page.Locator("#q-contact_laatste").GetByLabel("Nooit").CheckAsync();
        await NextAsync(page);
        await AnswerAsync(page);
        await NextAsync(page);
        await page.Locator("#q-preventie_maatregelen").GetByLabel("Alarmsysteem").CheckAsync();
        await page.Locator("#q-preventie_maatregelen").GetByLabel("Buitenverlichting").CheckAsync();
        await NextAsync(page);
        await AnswerAsync(page);
        await NextAsync(page);
        Assert.Equal("Over uzelf", await page.Locator("h1").InnerTextAsync());
        await AnswerAsync(page);
        await page.GetByLabel("Hoeveel jaar woont u in uw huidige buurt?").FillAsync("12");
        await page.GetByLabel("Heeft u nog opmerkingen").FillAsync("Meer verlichting aan het station.");
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= 360"));
        await NextAsync(page);

        // Review, then submit.
        Assert.Equal("Controleer uw antwoorden", await page.Locator("h1").InnerTextAsync());
        Assert.Contains("Meer verlichting aan het station.", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.AssertAccessibleAsync(page, "the review");
        await page.GetByRole(AriaRole.Button, new() { Name = "Versturen" }).ClickAsync();
        Assert.Equal("Bedankt voor uw deelname", await page.Locator("h1").InnerTextAsync());
        await fixture.AssertAccessibleAsync(page, "the thank-you page");

        // The token is spent (the session ended with the thank-you page), and the response is stored as answered.
        await page.GotoAsync($"{Root}/form");
        Assert.Contains("opnieuw in", await page.Locator("#token-error").InnerTextAsync(), StringComparison.Ordinal);
        await page.GotoAsync($"{Root}/#{token}");
        await page.Locator("#token-error").WaitForAsync();
        Assert.Contains("al mee ingevuld", await page.Locator("#token-error").InnerTextAsync(), StringComparison.Ordinal);
        var response = Assert.Single(await fixture.ReleasedAsync(wave.Id, 1));
        var answers = response.GetProperty("answers");
        Assert.Equal("3", answers.GetProperty("buurt_drugs").GetString());
        Assert.Equal("2", answers.GetProperty("onveilig_hoevaak").GetString());
        Assert.Equal("1", answers.GetProperty("aangifte_fiets").GetString());
        Assert.False(answers.TryGetProperty("aangifte_inbraak", out _));
        Assert.False(answers.TryGetProperty("contact_tevreden", out _));
        Assert.Equal(["alarm", "verlichting"], answers.GetProperty("preventie_maatregelen").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(12, answers.GetProperty("achtergrond_jaren_buurt").GetInt32());
        Assert.Equal("nl", response.GetProperty("language").GetString());
    }

    private static Task NextAsync(IPage page) => page.GetByRole(AriaRole.Button, new() { Name = "Volgende" }).ClickAsync();

    /// <summary>Answers every visible, unanswered choice question with the option labelled <paramref name="pick"/>, or its first option.</summary>
    private static async Task AnswerAsync(IPage page, string? skip = null, string? pick = null)
    {
        foreach (var question in await page.Locator("fieldset.q").AllAsync())
        {
            if (!await question.IsVisibleAsync() || await question.GetAttributeAsync("id") == "q-" + skip || await question.Locator("input:checked").CountAsync() > 0
                || await question.Locator("input[type=checkbox]").CountAsync() > 0)
            {
                continue;
            }

            var option = pick is null ? question.Locator("label.opt").First : question.GetByLabel(pick, new() { Exact = true });
            await option.CheckAsync();
        }
    }
}
