using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Storage.Emulator;

namespace Pipeline.Functions.Tests;

/// <summary>
/// <c>infra/smoke.sh</c>, the post-deploy check, run against the local runner on a socket: it passes where the app
/// behaves, and stops at the first check that does not, saying which.
/// </summary>
public sealed class SmokeScriptTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { Settings = { ["Responses:ClientPermitsPerMinute"] = "12" } };
    private string _root = null!;
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync()
    {
        _app.UseKestrel(0);
        _app.StartServer();
        _root = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        _wave = await FieldworkWave.StartAsync(_app, people: 2);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private async Task<(int Exit, string Output)> SmokeAsync(string operatorKey)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot.Find()!, "infra", "smoke.sh"));
        start.Environment["APP_URL"] = _root;
        start.Environment["OPERATOR_KEY"] = operatorKey;
        start.Environment["WAVE_ID"] = _wave.Definition.Id;
        start.Environment["TOKEN"] = _wave.Tokens[0].ToLowerInvariant();
        start.Environment["RATE_LIMIT"] = "12";
        using var smoke = Process.Start(start)!;
        var output = smoke.StandardOutput.ReadToEndAsync();
        var errors = smoke.StandardError.ReadToEndAsync();
        await smoke.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        return (smoke.ExitCode, await output + await errors);
    }

    [Fact]
    public async Task Smoke_AgainstTheApp_EveryCheckPasses_TokenNotSpent()
    {
        var (exit, output) = await SmokeAsync(PipelineApplication.OperatorKey);

        Assert.True(exit == 0, output);
        foreach (var check in new[] { "ok: health", "ok: the token page is at /", "ok: form round trip", "ok: the wave's JSON is camelCase", "ok: rate limited after", "skipped: Application Insights" })
        {
            Assert.Contains(check, output, StringComparison.Ordinal);
        }

        var token = await _app.Services.GetRequiredService<Waves.TokenDirectory>().OpenAsync(_wave.Tokens[0], default);
        Assert.Equal(Waves.TokenState.Open, token.State);
    }

    [Fact]
    public async Task Smoke_WrongOperatorKey_FailsAtThatCheck()
    {
        var (exit, output) = await SmokeAsync("not-the-operator-key-0123456789");

        Assert.Equal(1, exit);
        Assert.Contains($"FAIL: GET /api/waves/{_wave.Definition.Id} answered 401", output, StringComparison.Ordinal);
        Assert.DoesNotContain("smoke test passed", output, StringComparison.Ordinal);
    }
}
