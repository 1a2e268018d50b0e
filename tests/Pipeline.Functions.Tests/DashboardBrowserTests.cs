using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Survey.Questionnaires;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>The analysts' dashboard in headless Chromium, on Kestrel and Azurite: charts drawn, small areas shown as "too few answers".</summary>
[Collection(ReleasesOnAzurite.Name)]
public sealed class DashboardBrowserTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { InMemoryStorage = false };
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync();
        _app.Settings["DurableTask:HubName"] = "db" + Guid.NewGuid().ToString("N")[..8];
        _app.UseKestrel(0);
        _app.StartServer();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = await Chromium.EnsureAsync(), Headless = true, Args = Chromium.Arguments });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Dashboard_OverviewAndZone_ChartsDrawn_SmallNeighbourhoodsSayTooFewAnswers()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 140);
        var intake = _app.Services.GetRequiredService<ResponseIntake>();
        for (var i = 0; i < 120; i++)
        {
            var answers = SyntheticAnswers.Complete(wave.Questionnaire, new Random(i));
            Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[i], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
        }

        await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        await _app.Services.GetRequiredService<AggregateService>().RecomputeAsync(wave.Definition.Id, default);
        var root = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var page = await (await _browser.NewContextAsync(new() { ViewportSize = new() { Width = 1024, Height = 800 }, JavaScriptEnabled = false })).NewPageAsync();

        await page.GotoAsync($"{root}/dashboard/{wave.Definition.Id}?code={PipelineApplication.OperatorKey}");
        var overview = Path.Combine(Path.GetTempPath(), $"dashboard-{wave.Definition.Id}.png");
        await page.ScreenshotAsync(new() { Path = overview, FullPage = true });

        Assert.Equal(wave.Definition.Title, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(1, await page.Locator("svg.bars rect.bar").CountAsync());
        Assert.Equal(1, await page.Locator("svg.line polyline").CountAsync());
        Assert.Contains("120", await page.Locator("dl.facts").InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(new FileInfo(overview).Length > 10_000);

        await page.Locator("svg.bars a").First.ClickAsync();
        await page.ScreenshotAsync(new() { Path = Path.ChangeExtension(overview, ".zone.png"), FullPage = true });
        Assert.Equal(wave.Definition.Zones[0].Name, await page.Locator("h1").InnerTextAsync());
        Assert.True(await page.Locator("svg.whiskers line.whisker").CountAsync() >= 3 * 10);
        var neighbourhoods = wave.Definition.Zones[0].Municipalities.Sum(m => m.Neighbourhoods.Count);
        Assert.Equal(neighbourhoods, await page.Locator("tr:has-text('— ') td.too-few").CountAsync());
        Assert.Contains(Pages.Dashboard.TooFew, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

        var csv = await page.APIRequest.GetAsync(await page.Locator("a", new() { HasText = "CSV" }).Last.GetAttributeAsync("href") is { } href ? root + href : throw new InvalidOperationException());
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("wave;level;area", await csv.TextAsync(), StringComparison.Ordinal);
    }
}
