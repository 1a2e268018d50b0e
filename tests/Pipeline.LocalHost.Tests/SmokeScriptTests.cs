using System.Diagnostics;
using Pipeline.Storage.Emulator;
using Pipeline.Survey.Sample;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// <c>infra/smoke.sh</c>, the post-deploy check, run against the app as Azure runs it (the local Functions host and the
/// worker): it passes where the app behaves, and stops at the first check that does not, saying which. A host per test:
/// the script spends its client's permits.
/// </summary>
public sealed class SmokeScriptTests : IAsyncLifetime
{
    private readonly Host _host = new();
    private string _waveId = null!;
    private SamplePerson _person = null!;

    private sealed class Host : LocalHostFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => settings["Responses:ClientPermitsPerMinute"] = "12";
    }

    public async Task InitializeAsync()
    {
        await _host.InitializeAsync();
        var wave = SyntheticSample.Wave("smoke-" + Guid.NewGuid().ToString("N")[..8], 1, ["nl"], new DateOnly(2026, 1, 5));
        var people = SyntheticSample.People(wave, 2, 3).ToList();
        using var http = OperatorApi.Client(_host.Host.Address);
        await OperatorApi.StartAsync(http, wave, people);
        await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "waiting for reminder"), "the letters");
        (_waveId, _person) = (wave.Id, people[0]);
    }

    public Task DisposeAsync() => _host.DisposeAsync();

    private async Task<(int Exit, string Output)> SmokeAsync(string operatorKey)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Find()!, "infra", "smoke.sh"));
        start.Environment["APP_URL"] = _host.Host.Address;
        start.Environment["OPERATOR_KEY"] = operatorKey;
        start.Environment["WAVE_ID"] = _waveId;
        start.Environment["TOKEN"] = OperatorApi.Token(_waveId, _person).ToLowerInvariant();
        start.Environment["RATE_LIMIT"] = "12";
        using var smoke = Process.Start(start)!;
        var output = smoke.StandardOutput.ReadToEndAsync();
        var errors = smoke.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await smoke.WaitForExitAsync(limit.Token);
        return (smoke.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task Smoke_AgainstTheAppUnderTheHost_EveryCheckPasses_TokenNotSpent()
    {
        var (exit, output) = await SmokeAsync(LocalHostFixture.OperatorKey);

        Assert.True(exit == 0, output);
        foreach (var check in new[] { "ok: health", "ok: the token page is at /", "ok: nothing at /FormStart", "ok: a wrong method is 404", "ok: form round trip", "ok: the wave's JSON is camelCase", "ok: a forged Entra principal is refused", "ok: rate limited after", "skipped: Application Insights" })
        {
            Assert.Contains(check, output, StringComparison.Ordinal);
        }

        // The round trip saved a page and submitted nothing: the token still opens the form (asked from another address,
        // since the script spent this one's permits).
        using var respondent = OperatorApi.From("127.0.0.5", new Uri(_host.Host.Address));
        var again = await respondent.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = OperatorApi.Token(_waveId, _person) }));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, again.StatusCode);
        Assert.StartsWith("/form", again.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Smoke_WrongOperatorKey_FailsAtThatCheck()
    {
        var (exit, output) = await SmokeAsync("not-the-operator-key-0123456789");

        Assert.Equal(1, exit);
        Assert.Contains($"FAIL: GET /api/waves/{_waveId} answered 401", output, StringComparison.Ordinal);
        Assert.DoesNotContain("smoke test passed", output, StringComparison.Ordinal);
    }
}
