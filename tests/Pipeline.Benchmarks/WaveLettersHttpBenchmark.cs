using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Storage.Emulator;
using Pipeline.Survey.Sample;

namespace Pipeline.Benchmarks;

/// <summary>
/// A wave's invitations through the app's API in its own process, the same way for both hosts: the local runner, or the
/// unchanged worker behind the local Functions host (<c>--host functions</c>). Creates a wave of <c>people</c> over
/// <c>zones</c> zones, uploads its sample, starts it, and times the start to the phase after the letters (every
/// PDF, manifest and token row written), as the operator sees it at <c>GET /api/waves/{id}</c>.
/// </summary>
internal static class WaveLettersHttpBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<string> RunAsync(string connection, int people, int zones, bool functionsHost)
    {
        var port = AzuriteProcess.FreePort();
        using var host = ResponsesBenchmark.StartHost(connection, port, functionsHost);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(10) };
        await ResponsesBenchmark.WaitHealthyAsync(http, host);
        http.DefaultRequestHeaders.Add("x-functions-key", "benchmark-operator-key-0123456789");

        var wave = SyntheticSample.Wave("benchhttp-" + Guid.NewGuid().ToString("N")[..8], zones, ["nl", "fr"], DateOnly.FromDateTime(DateTime.UtcNow));
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticSample.WriteCsv(csv, SyntheticSample.People(wave, people, seed: 1));
        (await http.PostAsJsonAsync("/api/waves", wave, Json)).EnsureSuccessStatusCode();
        (await http.PutAsync(new Uri($"/api/waves/{wave.Id}/sample", UriKind.Relative), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        (await http.PostAsync(new Uri($"/api/waves/{wave.Id}/start", UriKind.Relative), new StringContent("""{"reminderAfter":"7.00:00:00","closeAfter":"14.00:00:00"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        int letters;
        while (true)
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Id}");
            if (view.GetProperty("run") is { ValueKind: JsonValueKind.Object } run && run.GetProperty("progress") is { ValueKind: JsonValueKind.Object } progress
                && progress.GetProperty("phase").GetString() == "waiting for reminder")
            {
                letters = progress.GetProperty("lettersIssued").GetInt32();
                break;
            }

            await Task.Delay(100);
        }

        clock.Stop();
        if (letters != people)
        {
            throw new InvalidOperationException($"{letters} letters issued for {people} people.");
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"letters-http ({(functionsHost ? "functions host" : "local runner")}): {people} people, {zones} zones: start to last letter {clock.Elapsed.TotalSeconds:F1} s = {people / clock.Elapsed.TotalSeconds:F0} letters/s");
    }
}
