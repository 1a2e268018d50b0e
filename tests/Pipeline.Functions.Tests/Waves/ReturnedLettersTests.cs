using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Letters that came back undeliverable (<c>POST /api/waves/{id}/returned-letters</c>): their people get no reminder and leave
/// the net sample, which the progress and the aggregates divide by.
/// </summary>
public sealed class ReturnedLettersTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { Settings = { ["Aggregates:MinimumRespondents"] = "1", ["Aggregates:MinimumChange"] = "1" } };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Returned_NoReminder_OutOfTheNetSample_InProgressAndAggregates_EachLineReported()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 30);
        var http = Operator();
        var (answered, t0, t2, t3) = (wave.Tokens[1], wave.Tokens[0], wave.Tokens[2], wave.Tokens[3]);
        Assert.Equal(HttpStatusCode.Created, (await _app.CreateClient().PostAsJsonAsync("/api/responses", new { token = answered, answers = wave.Answers() })).StatusCode);
        var elsewhere = AccessToken.Derive([9, 9, 9], "another-wave", "someone").Display;

        var response = await http.PostAsJsonAsync($"/api/waves/{wave.Definition.Id}/returned-letters", new { tokens = new[] { t0, t0.ToLowerInvariant().Replace("-", string.Empty, StringComparison.Ordinal), "ABCD-EFGH", answered, elsewhere, t2, " ", t3 } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(3, report.GetProperty("returned").GetInt32());
        Assert.Equal(1, report.GetProperty("alreadyReturned").GetInt32());
        Assert.Equal([3L, 4L, 5L], report.GetProperty("refused").EnumerateArray().Select(r => r.GetProperty("line").GetInt64()));
        Assert.Contains("stays in the net sample", report.GetProperty("refused")[1].GetProperty("reason").GetString(), StringComparison.Ordinal);

        // The progress: 3 returned of 30 invited, a net sample of 27, and the rate over it.
        await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var zones = (await http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Definition.Id}")).GetProperty("zones").EnumerateArray().ToList();
        Assert.Equal(3, zones.Sum(z => z.GetProperty("returned").GetInt32()));
        Assert.Equal(27, zones.Sum(z => z.GetProperty("netSample").GetInt32()));
        Assert.All(zones, z => Assert.Equal(
            Math.Round((double)z.GetProperty("responded").GetInt32() / z.GetProperty("netSample").GetInt32(), 4),
            z.GetProperty("responseRate").GetDouble()));

        // The aggregates: the wave's rate is 1 of 27, not 1 of 30.
        await _app.Services.GetRequiredService<AggregateService>().RecomputeAsync(wave.Definition.Id, default);
        var whole = await http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Definition.Id}/aggregates?level={AggregateBuilder.Wave}&area={wave.Definition.Id}");
        Assert.Equal(30, whole.GetProperty("invited").GetInt32());
        Assert.Equal(27, whole.GetProperty("netSample").GetInt32());
        Assert.Equal(1.0 / 27, whole.GetProperty("responseRate").GetProperty("value").GetDouble(), 6);

        // The reminders: to everyone but the respondent and the three returned.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Definition.Id}/events/reschedule-reminder", new { after = "00:00:01" })).StatusCode);
        var kit = new WaveTestKit(http);
        await kit.WaitForAsync(wave.Definition.Id, "fieldwork");
        var reminded = await kit.LettersAsync(wave.Definition.Id, "reminder");
        WaveTestKit.AssertExactlyOnce(reminded, wave.Tokens.Where(t => t != answered && t != t0 && t != t2 && t != t3));
    }

    [Theory]
    [InlineData("""{"tokens":[]}""", "tokens")]
    [InlineData("""{"tokens":["", "  "]}""", "tokens")]
    [InlineData("""{}""", "tokens")]
    [InlineData("""{"tokens":"ABCD"}""", "tokens")]
    [InlineData("""{"tokens":[1,2]}""", "tokens")]
    [InlineData("""{"tokens":["a"]""", "")]
    public async Task Malformed_400_NothingMarked(string body, string named)
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 6);

        var response = await Operator().PostAsync(new Uri($"/api/waves/{wave.Definition.Id}/returned-letters", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(named, await WaveTestKit.ProblemAsync(response), StringComparison.OrdinalIgnoreCase);
        var zones = (await Operator().GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Definition.Id}")).GetProperty("zones").EnumerateArray();
        Assert.Equal(0, zones.Sum(z => z.GetProperty("returned").GetInt32()));
    }

    [Fact]
    public async Task DraftOrPurgedOrMissingWave_Refused()
    {
        var kit = new WaveTestKit(Operator());
        var draft = WaveTestKit.Wave("draft-" + Guid.NewGuid().ToString("N")[..8], 1, "nl");
        Assert.Equal(HttpStatusCode.Created, (await kit.CreateAsync(draft)).StatusCode);
        var body = new { tokens = new[] { "ABCD-EFGH-JKMN-P" } };

        Assert.Equal(HttpStatusCode.Conflict, (await Operator().PostAsJsonAsync($"/api/waves/{draft.Id}/returned-letters", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Operator().PostAsJsonAsync("/api/waves/nope/returned-letters", body)).StatusCode);
        var wave = await FieldworkWave.StartAsync(_app, people: 6);
        await wave.SetAsync(w => w with { Phase = WavePhase.Closed, Purged = true });
        var purged = await Operator().PostAsJsonAsync($"/api/waves/{wave.Definition.Id}/returned-letters", new { tokens = new[] { wave.Tokens[0] } });
        Assert.Equal(HttpStatusCode.Conflict, purged.StatusCode);
        Assert.Contains("purged", await WaveTestKit.ProblemAsync(purged), StringComparison.Ordinal);
    }

    private HttpClient Operator()
    {
        var http = _app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        return http;
    }
}
