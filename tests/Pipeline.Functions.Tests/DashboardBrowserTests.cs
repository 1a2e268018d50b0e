using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Tests;

/// <summary>The analysts' dashboard in headless Chromium, on Kestrel and Azurite: charts drawn, small areas shown as "too few answers".</summary>
[Collection(ReleasesOnAzurite.Name)]
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private BrowserSession _session = null!;

    public async Task InitializeAsync() => _session = await BrowserSession.StartAsync();

    public async Task DisposeAsync() => await _session.DisposeAsync();

    [Fact]
    public async Task Dashboard_OverviewAndZone_ChartsDrawn_SmallNeighbourhoodsSayTooFewAnswers()
    {
        var app = _session.App;
        var wave = await FieldworkWave.StartAsync(app, people: 140);
        var intake = app.Services.GetRequiredService<ResponseIntake>();
        for (var i = 0; i < 120; i++)
        {
            var answers = SyntheticAnswers.Complete(wave.Questionnaire, new Random(i));
            Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[i], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
        }

        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        await app.Services.GetRequiredService<AggregateService>().RecomputeAsync(wave.Definition.Id, default);
        var root = _session.Root;
        var page = await _session.PageAsync(1024, 800);

        // An analyst signs in once; no link carries the key after that.
        await page.GotoAsync($"{root}/dashboard/{wave.Definition.Id}");
        Assert.Equal("Sign in", await page.Locator("h1").InnerTextAsync());
        await _session.AssertAccessibleAsync(page, "the sign-in form");
        await page.GetByLabel("Your analyst's or operator's key").FillAsync(PipelineApplication.AnalystKey);
        await page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        var overview = Path.Combine(Path.GetTempPath(), $"dashboard-{wave.Definition.Id}.png");
        await page.ScreenshotAsync(new() { Path = overview, FullPage = true });

        Assert.Equal(wave.Definition.Title, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("svg.bars rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("svg.line polyline").CountAsync());
        Assert.Contains("120", await page.Locator("dl.facts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(new FileInfo(overview).Length > 10_000);
        await _session.AssertAccessibleAsync(page, "dashboard overview");

        await page.Locator("svg.bars a").First.ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(overview, ".zone.png"), FullPage = true });
        Assert.Equal(wave.Definition.Zones[0].Name, await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.Locator("svg.whiskers line.whisker").CountAsync() >= 3 * 10);
        var neighbourhoods = wave.Definition.Zones[0].Municipalities.Sum(m => m.Neighbourhoods.Count);
        Assert.Equal(neighbourhoods, await page.Locator("tr:has-text('— ') td.too-few").CountAsync());
        Assert.All(await page.Locator("tr:has-text('— '):has(td.too-few) td:nth-child(2)").AllInnerTextsAsync(), count => Assert.Equal("fewer than 30", count));
        Assert.Contains(Pages.Dashboard.TooFew, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
        await _session.AssertAccessibleAsync(page, "dashboard zone page");

        var csv = await page.APIRequest.GetAsync(await page.Locator("a", new() { HasText = "CSV" }).Last.GetAttributeAsync("href") is { } href ? root + href : throw new InvalidOperationException());
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("wave;level;area", await csv.TextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(PipelineApplication.AnalystKey, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
