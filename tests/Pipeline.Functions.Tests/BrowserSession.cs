using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Pipeline.Storage.Emulator;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>The host on Kestrel (a free port) and the shared Azurite, with headless Debian Chromium driven by Playwright.</summary>
internal sealed class BrowserSession : IAsyncDisposable
{
    private BrowserSession(PipelineApplication app, IPlaywright playwright, IBrowser browser, string root)
    {
        App = app;
        Playwright = playwright;
        Browser = browser;
        Root = root;
    }

    public PipelineApplication App { get; }

    public IPlaywright Playwright { get; }

    public IBrowser Browser { get; }

    /// <summary>The host's address, e.g. http://127.0.0.1:41234.</summary>
    public string Root { get; }

    public static async Task<BrowserSession> StartAsync()
    {
        var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync();
        app.UseKestrel(0);
        app.StartServer();
        var root = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = await Chromium.EnsureAsync(), Headless = true, Args = Chromium.Arguments });
        return new(app, playwright, browser, root);
    }

    /// <summary>A new page in a fresh context (no cookies), without script unless <paramref name="script"/>, at <paramref name="width"/> x <paramref name="height"/>.</summary>
    public async Task<IPage> PageAsync(int width, int height, string locale = "nl-BE", bool script = false) =>
        await (await Browser.NewContextAsync(new() { ViewportSize = new() { Width = width, Height = height }, JavaScriptEnabled = script, Locale = locale })).NewPageAsync();

    /// <summary>
    /// Runs axe-core (npm <c>axe-core</c>, WCAG 2.0-2.2 A and AA rules) on what <paramref name="page"/> shows now, and fails
    /// listing every violation. The pages carry no script and forbid it, so their DOM is checked in a script-enabled
    /// page of the same size.
    /// </summary>
    public async Task AssertAccessibleAsync(IPage page, string what)
    {
        var viewport = page.ViewportSize!;
        await using var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = viewport.Width, Height = viewport.Height } });
        var copy = await context.NewPageAsync();
        await copy.SetContentAsync(await page.ContentAsync());
        await copy.AddScriptTagAsync(new() { Path = Path.Combine(RepositoryRoot.Find()!, "node_modules", "axe-core", "axe.min.js") });
        var violations = await copy.EvaluateAsync<string[]>("""
            async () => (await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }))
                .violations.map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)
            """);
        Assert.True(violations.Length == 0, $"{what}: {string.Join("; ", violations)}");
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        Playwright.Dispose();
        await App.DisposeAsync();
    }
}
