using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Functions.Platform;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;
using Pipeline.Tests.Shared;

namespace Pipeline.Functions.Tests;

/// <summary>Operator calls to the waves API, for tests.</summary>
internal sealed class WaveTestKit(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = AppJson.Web;

    /// <summary>A kit on <paramref name="app"/>, calling with the operator's key.</summary>
    public static WaveTestKit Operator(PipelineApplication app)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        return new WaveTestKit(http);
    }

    public HttpClient Http => http;

    public static WaveDefinition Wave(string id, int zones = 2, params string[] languages) =>
        SyntheticSample.Wave(id, zones, languages.Length == 0 ? ["nl", "fr"] : languages, new DateOnly(2026, 1, 5));

    public static string Csv(WaveDefinition wave, int people, int seed = 1)
    {
        var text = new StringWriter();
        SyntheticSample.WriteCsv(text, SyntheticSample.People(wave, people, seed));
        return text.ToString();
    }

    public Task<HttpResponseMessage> CreateAsync(WaveDefinition wave) => http.PostAsJsonAsync("/api/waves", wave, Json);

    public Task<HttpResponseMessage> UploadAsync(string id, string csv) =>
        http.PutAsync(new Uri($"/api/waves/{id}/sample", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));

    public Task<HttpResponseMessage> StartAsync(string id, string body = """{"reminderAfter":"7.00:00:00","closeAfter":"14.00:00:00"}""") =>
        http.PostAsync(new Uri($"/api/waves/{id}/start", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

    public async Task<JsonElement> GetAsync(string id) => await http.GetFromJsonAsync<JsonElement>($"/api/waves/{id}");

    /// <summary>Polls the wave until its run reports <paramref name="phase"/> (or finishes, for "completed").</summary>
    public async Task<JsonElement> WaitForAsync(string id, string phase, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var view = await GetAsync(id);
            var run = view.GetProperty("run");
            if (run.ValueKind == JsonValueKind.Object)
            {
                var status = run.GetProperty("status").GetString();
                if (status is "Failed" or "Terminated")
                {
                    Assert.Fail($"Wave {id} run ended {status}: {run}");
                }

                if (phase == "completed" ? status == "Completed"
                    : run.GetProperty("progress") is { ValueKind: JsonValueKind.Object } p && p.GetProperty("phase").GetString() == phase)
                {
                    return view;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Wave {id} did not reach '{phase}' in time; last view: {view}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every token on the letters of one kind, with the file it is in.</summary>
    public async Task<List<(string Token, string File)>> LettersAsync(string waveId, string kind)
    {
        var files = await http.GetFromJsonAsync<JsonElement>($"/api/waves/{waveId}/letters");
        var found = new List<(string, string)>();
        foreach (var file in files.EnumerateArray().Where(f => f.GetProperty("kind").GetString() == kind && f.GetProperty("type").GetString() == "pdf"))
        {
            await using var pdf = await http.GetStreamAsync(new Uri(file.GetProperty("url").GetString()!, UriKind.Relative));
            using var copy = new MemoryStream();
            await pdf.CopyToAsync(copy);
            var previous = string.Empty;
            foreach (var page in PdfText.Pages(copy))
            {
                var token = System.Text.RegularExpressions.Regex.Match(page, "[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]");
                Assert.True(token.Success, $"a page of {file.GetProperty("name")} has no token");

                // A reminder's pack is the letter and the enclosed questionnaire, whose every page carries the same code.
                if (token.Value != previous)
                {
                    found.Add((token.Value, file.GetProperty("name").GetString()!));
                }

                previous = token.Value;
            }
        }

        return found;
    }

    public static void AssertExactlyOnce(List<(string Token, string File)> letters, IEnumerable<string> expected)
    {
        var twice = letters.GroupBy(l => l.Token).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(twice.Count == 0, $"{twice.Count} people have two letters of one kind");
        var want = expected.ToHashSet();
        var got = letters.Select(l => l.Token).ToHashSet();
        Assert.True(want.SetEquals(got), $"expected {want.Count} letters, got {got.Count}: {want.Except(got).Count()} missing, {got.Except(want).Count()} unexpected ({string.Join(", ", got.Except(want).Take(20))})");
    }

    public static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
