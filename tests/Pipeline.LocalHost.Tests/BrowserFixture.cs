using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Pipeline.Storage;
using Pipeline.Storage.Emulator;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;
using Pipeline.Testing;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The pages as a user reaches them: the worker under the local host, on an Azurite of its own (the host releases
/// responses every 2 s, and a release takes every pending response of the account, other tests' too), with headless
/// Debian Chromium driven by Playwright, and axe-core.
/// </summary>
public sealed class BrowserFixture : LocalHostFixture
{
    public const string AnalystKey = "test-analyst-key-9876543210";

    /// <summary>A named analyst's key limited to zone-1, configured by its SHA-256 only (<c>Access:Keys</c>).</summary>
    public const string ZoneAnalystKey = "zone-one-analyst-key-Hw72pXc5Rm0qLt";

    private AzuriteProcess _azurite = null!;

    private IPlaywright _playwright = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>The host's own storage, to read what the app stored.</summary>
    public StorageSet Storage { get; private set; } = null!;

    protected override async Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        _azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Root = RepositoryRoot.Find()!,
            BlobPort = AzuriteProcess.FreePort(),
            QueuePort = AzuriteProcess.FreePort(),
            TablePort = AzuriteProcess.FreePort(),
        });
        settings["AzureWebJobsStorage"] = _azurite.ConnectionString;
        settings["Responses:ReleaseSchedule"] = "*/2 * * * * *";
        settings["Responses:ClientPermitsPerMinute"] = "100000";
        // A published area changes only once 10 new responses entered it (Aggregates:MinimumChange): with releases every
        // 2 s, the last few of the test's answers could otherwise be held back, as they should be in production.
        settings["Aggregates:MinimumChange"] = "1";
        settings["Access:Keys:0:Name"] = "analyst PZ Demo 1";
        settings["Access:Keys:0:Hash"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ZoneAnalystKey)));
        settings["Access:Keys:0:Role"] = "Analyst";
        settings["Access:Keys:0:Zones:0"] = "zone-1";
        Storage = StorageSet.Azure(new StorageOptions { ConnectionString = _azurite.ConnectionString });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = await Chromium.EnsureAsync(), Headless = true, Args = Chromium.Arguments });
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Browser.DisposeAsync();
        _playwright.Dispose();
        await _azurite.DisposeAsync();
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

    /// <summary>A wave of <paramref name="people"/> in nl and fr, started through the API and waiting for its reminder; its people's tokens.</summary>
    internal async Task<(WaveDefinition Wave, List<string> Tokens)> FieldworkWaveAsync(int people, int zones = 1)
    {
        using var http = OperatorApi.Client(Host.Address);
        var wave = SyntheticSample.Wave("br-" + Guid.NewGuid().ToString("N")[..8], zones, ["nl", "fr"], new DateOnly(2026, 1, 5));
        var sample = SyntheticSample.People(wave, people, 3).ToList();
        await OperatorApi.StartAsync(http, wave, sample);
        await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "waiting for reminder"), "the invitations");
        return (wave, [.. sample.Select(p => OperatorApi.Token(wave.Id, p))]);
    }

    /// <summary>Answers through <c>POST /api/responses</c>, as the form's script-free twin would.</summary>
    internal async Task SubmitAsync(WaveDefinition wave, string token, int seed)
    {
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var answered = await Http.PostAsJsonAsync("/api/responses", new { token, answers = AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, new Random(seed))) });
        Assert.True(answered.StatusCode == HttpStatusCode.Created, await answered.Content.ReadAsStringAsync());
    }

    /// <summary>The wave's responses as released into storage (container <c>responses</c>), once there are <paramref name="count"/>.</summary>
    public async Task<List<JsonElement>> ReleasedAsync(string waveId, int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(500))
        {
            var released = new List<JsonElement>();
            try
            {
                await foreach (var item in Storage.Blobs.ListAllAsync("responses", waveId + "/"))
                {
                    released.Add(JsonDocument.Parse((await Storage.Blobs.GetAsync("responses", item.Name)).Content).RootElement.Clone());
                }
            }
            catch (StoreException e) when (e.StatusCode == 404)
            {
                // No release has created the container yet.
            }

            if (released.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, released.Count);
                return released;
            }
        }
    }
}
