using System.Text.Json;

namespace Pipeline.LocalHost.Tests;

/// <summary>The analysts' dashboard in headless Chromium, against the worker under the local host: charts drawn, small areas shown as "too few answers".</summary>
public sealed class DashboardBrowserTests(BrowserFixture fixture) : IClassFixture<BrowserFixture>
{
    /// <summary>What the dashboard says of an area with fewer answers than the minimum (Pages.Dashboard.TooFew).</summary>
    private const string TooFew = "too few answers";

    [Fact]
    public async Task Dashboard_OverviewAndZone_ChartsDrawn_SmallNeighbourhoodsSayTooFewAnswers()
    {
        // 120 answers through the API; the host's release timer and the recompute queue bring them to the aggregates.
        var (wave, tokens) = await fixture.FieldworkWaveAsync(people: 140);
        for (var i = 0; i < 120; i++)
        {
            await fixture.SubmitAsync(wave, tokens[i], seed: i);
        }

        await WaitForAggregatesAsync(wave.Id, wave.Zones[0].Id, responses: 120);
        var root = fixture.Host.Address.TrimEnd('/');
        var page = await fixture.PageAsync(1024, 800);

        // An analyst signs in once; no link carries the key after that.
        await page.GotoAsync($"{root}/dashboard/{wave.Id}");
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        await fixture.AssertAccessibleAsync(page, "the sign-in form");
        await page.GetByLabel("Your analyst's or operator's key").FillAsync(BrowserFixture.AnalystKey);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var overview = Path.Combine(Path.GetTempPath(), $"dashboard-{wave.Id}.png");
        await page.ScreenshotAsync(new() { Path = overview, FullPage = true });

        Assert.Equal(wave.Title, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("svg.bars rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("svg.line polyline").CountAsync());
        Assert.Contains("120", await page.Locator("dl.facts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(new FileInfo(overview).Length > 10_000);
        await fixture.AssertAccessibleAsync(page, "dashboard overview");

        await page.Locator("svg.bars a").First.ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(overview, ".zone.png"), FullPage = true });
        Assert.Equal(wave.Zones[0].Name, await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.Locator("svg.whiskers line.whisker").CountAsync() >= 3 * 10);
        var neighbourhoods = wave.Zones[0].Municipalities.Sum(m => m.Neighbourhoods.Count);
        Assert.Equal(neighbourhoods, await page.Locator("tr:has-text('— ') td.too-few").CountAsync());
        Assert.All(await page.Locator("tr:has-text('— '):has(td.too-few) td:nth-child(2)").AllInnerTextsAsync(), count => Assert.Equal("fewer than 30", count));
        Assert.Contains(TooFew, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await fixture.AssertAccessibleAsync(page, "dashboard zone page");

        var csv = await page.APIRequest.GetAsync(await page.Locator("a", new() { HasText = "CSV" }).Last.GetAttributeAsync("href") is { } href ? root + href : throw new InvalidOperationException());
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("wave;level;area", await csv.TextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(BrowserFixture.AnalystKey, await page.ContentAsync(), StringComparison.Ordinal);
    }

    /// <summary>A named analyst of zone 1 signs in: their zone's page, the comparison of every zone's rate, and a refusal of zone 2's page.</summary>
    [Fact]
    public async Task ZoneAnalyst_SeesTheirZoneAndTheComparison_RefusedAnotherZone()
    {
        var (wave, tokens) = await fixture.FieldworkWaveAsync(people: 80, zones: 2);
        for (var i = 0; i < 70; i++)
        {
            await fixture.SubmitAsync(wave, tokens[i], seed: i);
        }

        await WaitForAggregatesAsync(wave.Id, "zone-1", responses: null);
        var root = fixture.Host.Address.TrimEnd('/');
        var page = await fixture.PageAsync(1024, 800);
        await page.GotoAsync($"{root}/dashboard/{wave.Id}");
        await page.GetByLabel("Your analyst's or operator's key").FillAsync(BrowserFixture.ZoneAnalystKey);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        Assert.Equal(wave.Title, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(2, await page.Locator("svg.bars rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("svg.bars a").CountAsync());
        await fixture.AssertAccessibleAsync(page, "a zone analyst's overview");

        await page.Locator("svg.bars a").First.ClickAsync();
        Assert.Equal(wave.Zones[0].Name, await page.Locator("h1").InnerTextAsync());
        await fixture.AssertAccessibleAsync(page, "a zone analyst's zone page");

        var other = await page.GotoAsync($"{root}/dashboard/{wave.Id}/zones/zone-2");
        Assert.Equal(403, other!.Status);
        Assert.Contains("Not in your areas", await page.ContentAsync(), StringComparison.Ordinal);
    }

    private async Task WaitForAggregatesAsync(string waveId, string zoneId, int? responses)
    {
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Host.Address) };
        http.DefaultRequestHeaders.Add("x-functions-key", BrowserFixture.AnalystKey);
        for (var deadline = DateTime.UtcNow.AddSeconds(90); ; await Task.Delay(500))
        {
            using var answer = await http.GetAsync(new Uri($"/api/waves/{waveId}/aggregates?level=zone&area={zoneId}", UriKind.Relative));
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.IsSuccessStatusCode && JsonDocument.Parse(body).RootElement.GetProperty("responses") is { ValueKind: JsonValueKind.Number } counted && (responses is null || counted.GetInt32() == responses))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the zone's aggregate does not count {responses} responses yet: {answer.StatusCode} {body[..Math.Min(body.Length, 300)]}");
        }
    }
}
