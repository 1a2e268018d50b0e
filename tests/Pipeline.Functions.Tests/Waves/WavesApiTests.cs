using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Tests;

/// <summary>The operator's waves API on the in-memory storage twin: validation, sample upload, start.</summary>
public sealed class WavesApiTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private WaveTestKit _kit = null!;

    public Task InitializeAsync()
    {
        _kit = WaveTestKit.Operator(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Create_ValidWave_201_ThenListedAndDuplicate409()
    {
        var response = await _kit.CreateAsync(WaveTestKit.Wave("pz-oostende-2026"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/api/waves/pz-oostende-2026", response.Headers.Location?.OriginalString);

        var list = await _kit.Http.GetStringAsync(new Uri("/api/waves", UriKind.Relative));
        Assert.Contains("\"phase\":\"Draft\"", list, StringComparison.Ordinal);

        var again = await _kit.CreateAsync(WaveTestKit.Wave("pz-oostende-2026"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already exists", await WaveTestKit.ProblemAsync(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_InvalidFields_400_NamesEachField()
    {
        var wave = WaveTestKit.Wave("ok-id") with { Title = "", Languages = ["nl", "xx"], SurveyBaseUrl = "not a url" };
        var response = await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await WaveTestKit.ProblemAsync(response);
        foreach (var field in new[] { "\"title\"", "\"languages[1]\"", "\"surveyBaseUrl\"" })
        {
            Assert.Contains(field, body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_NationalWave_200Zones_RoundTrips()
    {
        var wave = WaveTestKit.Wave("national-2026", 200, "nl", "fr", "de");
        Assert.True(JsonSerializer.Serialize(wave, WaveTestKit.Json).Length > 32_768, "the definition must exceed one table property");

        Assert.Equal(HttpStatusCode.Created, (await _kit.CreateAsync(wave)).StatusCode);

        var stored = (await _kit.GetAsync(wave.Id)).GetProperty("definition");
        Assert.Equal(200, stored.GetProperty("zones").GetArrayLength());
        Assert.Equal("zone-200", stored.GetProperty("zones")[199].GetProperty("id").GetString());
    }

    [Theory]
    [InlineData("{", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("""{"id":"x","invitationDate":"not a date"}""", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("null", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("id=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Create_MalformedBody_4xxProblem(string body, string type, HttpStatusCode status)
    {
        var response = await _kit.Http.PostAsync(new Uri("/api/waves", UriKind.Relative), new StringContent(body, Encoding.UTF8, type));
        Assert.Equal(status, response.StatusCode);
        await WaveTestKit.ProblemAsync(response);
    }

    [Theory]
    [InlineData("/api/waves/BAD%23ID")]
    [InlineData("/api/waves/%3F%3F%3F/letters")]
    [InlineData("/api/waves/no-such-wave/letters/invitation/zone-1/nl/00001.pdf")]
    [InlineData("/api/waves/a/letters")]
    public async Task Get_MalformedOrUnknownWaveId_404Problem(string path)
    {
        var response = await _kit.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Wave not found", await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/waves/BAD%23ID/cancel", "Wave not found", HttpStatusCode.NotFound)]
    [InlineData("/api/waves/no-such-wave/events/reschedule-close", "Wave not found", HttpStatusCode.NotFound)]
    [InlineData("/api/waves/events-test/cancel", "Instance not found", HttpStatusCode.NotFound)]
    [InlineData("/api/waves/events-test/events/reopen", "not a wave event", HttpStatusCode.BadRequest)]
    public async Task Events_UnknownWaveOrNotStartedOrUnknownEvent_4xx(string path, string says, HttpStatusCode status)
    {
        await _kit.CreateAsync(WaveTestKit.Wave("events-test"));
        var response = await _kit.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent("{\"after\":\"00:01:00\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(says, await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("invitation/zone-1/nl/../../x.pdf")]
    [InlineData("invitation/zone-1/nl/00001.exe")]
    [InlineData("other/zone-1/nl/00001.pdf")]
    public async Task DownloadLetter_NotALetterName_400(string name)
    {
        await _kit.CreateAsync(WaveTestKit.Wave("letters-names"));
        var response = await _kit.Http.GetAsync(new Uri($"/api/waves/letters-names/letters/{name}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Not a letter file", await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Waves_WithoutOperatorKey_401()
    {
        using var anonymous = _app.CreateClient();
        var response = await anonymous.GetAsync(new Uri("/api/waves", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await WaveTestKit.ProblemAsync(response);
    }

    [Fact]
    public async Task Upload_BadRows_400_WithLineNumbers_AndKeepsThePreviousSample()
    {
        var wave = WaveTestKit.Wave("upload-test");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 120))).StatusCode);

        var lines = WaveTestKit.Csv(wave, 200, seed: 2).Split('\n');
        lines[5] = lines[5].Replace("zone-1", "zone-9", StringComparison.Ordinal).Replace("zone-2", "zone-9", StringComparison.Ordinal);
        lines[150] = lines[150].Replace(";15-24;", ";10-14;", StringComparison.Ordinal).Replace(";25-34;", ";10-14;", StringComparison.Ordinal)
            .Replace(";35-44;", ";10-14;", StringComparison.Ordinal).Replace(";45-54;", ";10-14;", StringComparison.Ordinal)
            .Replace(";55-64;", ";10-14;", StringComparison.Ordinal).Replace(";65-74;", ";10-14;", StringComparison.Ordinal).Replace(";75+;", ";10-14;", StringComparison.Ordinal);
        var response = await _kit.UploadAsync(wave.Id, string.Join('\n', lines));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await WaveTestKit.ProblemAsync(response));
        var errors = problem.RootElement.GetProperty("errors").EnumerateArray().ToList();
        Assert.Equal(2, errors.Count);
        Assert.Equal(6, errors[0].GetProperty("line").GetInt32());
        Assert.Contains("Unknown zone", errors[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(151, errors[1].GetProperty("line").GetInt32());
        Assert.Contains("Under 15", errors[1].GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(120, (await _kit.GetAsync(wave.Id)).GetProperty("sampleSize").GetInt32());
    }

    [Fact]
    public async Task Upload_Twice_ReplacesTheSample_AndRefusedAfterStart()
    {
        var wave = WaveTestKit.Wave("replace-test");
        await _kit.CreateAsync(wave);
        await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 50));
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 70, seed: 3))).StatusCode);
        Assert.Equal(70, (await _kit.GetAsync(wave.Id)).GetProperty("sampleSize").GetInt32());

        Assert.Equal(HttpStatusCode.Accepted, (await _kit.StartAsync(wave.Id)).StatusCode);
        var late = await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 10));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var twice = await _kit.StartAsync(wave.Id);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("already", await WaveTestKit.ProblemAsync(twice), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RescheduleClose_Earlier_ClosesTheWaveThen()
    {
        var wave = WaveTestKit.Wave("close-test-" + Guid.NewGuid().ToString("N")[..6]);
        await _kit.CreateAsync(wave);
        await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 10));
        Assert.Equal(HttpStatusCode.Accepted, (await _kit.StartAsync(wave.Id)).StatusCode);
        await _kit.WaitForAsync(wave.Id, "waiting for reminder");
        Task<HttpResponseMessage> MoveAsync(string after) => _kit.Http.PostAsync(new Uri($"/api/waves/{wave.Id}/events/reschedule-close", UriKind.Relative),
            new StringContent($$"""{"after":"{{after}}"}""", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, (await MoveAsync("30.00:00:00")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await MoveAsync("00:00:01")).StatusCode);

        // Before the reminder was due: the wave closes without reminders, not cancelled.
        var closed = await _kit.WaitForAsync(wave.Id, "completed");
        Assert.Equal("Closed", closed.GetProperty("phase").GetString());
        Assert.Equal(0, closed.GetProperty("run").GetProperty("summary").GetProperty("reminded").GetInt32());
        var ended = await _kit.Http.PostAsync(new Uri($"/api/waves/{wave.Id}/events/reschedule-close", UriKind.Relative),
            new StringContent("""{"after":"01:00:00"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
    }

    [Fact]
    public async Task Start_WithoutSample409_UnknownWave404_BadTimers400()
    {
        var wave = WaveTestKit.Wave("start-test");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.Conflict, (await _kit.StartAsync(wave.Id)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _kit.StartAsync("no-such-wave")).StatusCode);
        await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 10));
        var bad = await _kit.StartAsync(wave.Id, """{"reminderAfter":"2.00:00:00","closeAfter":"1.00:00:00"}""");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("reminderAfter", await WaveTestKit.ProblemAsync(bad), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"token":"ABCD-EFGH"}""", HttpStatusCode.BadRequest, "characters")]
    [InlineData("""{"token":"ABCD-EFGH-JK0M-N"}""", HttpStatusCode.BadRequest, "never contain 0")]
    [InlineData("""{"token":"2222-2222-2222-3"}""", HttpStatusCode.BadRequest, "typing error")]
    [InlineData("""{}""", HttpStatusCode.BadRequest, "characters")]
    public async Task OptOut_MalformedToken_400WithHint(string body, HttpStatusCode status, string hint)
    {
        using var anonymous = _app.CreateClient();
        var response = await anonymous.PostAsync(new Uri("/api/optout", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(status, response.StatusCode);
        Assert.Contains(hint, await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptOut_UnknownClosedOrValidToken_All204_TellsNothing()
    {
        var app = new PipelineApplication();
        await using var _ = app;
        var wave = await FieldworkWave.StartAsync(app, people: 4);
        using var anonymous = app.CreateClient();
        var unknown = AccessToken.Derive(new byte[32], "no-wave", "nobody").Display;

        var answers = new List<HttpStatusCode>();
        foreach (var token in new[] { wave.Tokens[0], unknown, wave.Tokens[0] })
        {
            answers.Add((await anonymous.PostAsJsonAsync("/api/optout", new { token })).StatusCode);
        }

        await wave.SetAsync(w => w with { Phase = WavePhase.Closed });
        answers.Add((await anonymous.PostAsJsonAsync("/api/optout", new { token = wave.Tokens[1] })).StatusCode);

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.NoContent, status));
    }

    [Fact]
    public async Task OptOut_BodyOverTheRespondentCap_413()
    {
        using var anonymous = _app.CreateClient();
        var body = "{\"token\":\"" + new string('A', 100_000) + "\"}";

        var response = await anonymous.PostAsync(new Uri("/api/optout", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("65,536 bytes", await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptOut_ManyFromOneAddress_429()
    {
        var app = new PipelineApplication { Settings = { ["Responses:ClientPermitsPerMinute"] = "5" } };
        await using var _ = app;
        using var anonymous = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await anonymous.PostAsJsonAsync("/api/optout", new { token = "2222-2222-2222-3" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task Create_BodyOver2MB_413()
    {
        var body = "{\"id\":\"big\",\"title\":\"" + new string('x', 3 * 1024 * 1024) + "\"}";

        var response = await _kit.Http.PostAsync(new Uri("/api/waves", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task DrawSample_FromAnExtract_ImportsTheStratifiedSample_SameSeedSameSample()
    {
        var wave = WaveTestKit.Wave("pz-draw-2026");
        await _kit.CreateAsync(wave);
        var extract = WaveTestKit.Csv(wave, 3000, seed: 4);

        var first = await DrawAsync(wave.Id, extract, "?seed=99&perZone=400");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var drawn = JsonDocument.Parse(await first.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(99, drawn.GetProperty("seed").GetInt64());
        Assert.Equal(800, drawn.GetProperty("sampleSize").GetInt32());
        Assert.Equal(800, drawn.GetProperty("strata").EnumerateArray().Sum(s => s.GetProperty("drawn").GetInt32()));
        Assert.Equal(3000, drawn.GetProperty("strata").EnumerateArray().Sum(s => s.GetProperty("population").GetInt32()));
        Assert.Equal(800, (await _kit.GetAsync(wave.Id)).GetProperty("sampleSize").GetInt32());

        // Drawn again with the seed it reported: the same groups; without a seed, one is drawn and reported.
        var again = JsonDocument.Parse(await (await DrawAsync(wave.Id, extract, "?seed=99&perZone=400")).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(drawn.GetProperty("perZoneAndLanguage").ToString(), again.GetProperty("perZoneAndLanguage").ToString());
        var unseeded = JsonDocument.Parse(await (await DrawAsync(wave.Id, extract, "?perZone=10")).Content.ReadAsStringAsync()).RootElement;
        Assert.True(unseeded.GetProperty("seed").GetInt64() > 0);
        Assert.Equal(20, unseeded.GetProperty("sampleSize").GetInt32());
    }

    [Theory]
    [InlineData("?perZone=0", "perZone")]
    [InlineData("?perZone=abc", "perZone")]
    [InlineData("?seed=1.5", "seed")]
    [InlineData("?size=-3", "size")]
    public async Task DrawSample_BadParameter_400NamingIt(string query, string field)
    {
        var wave = WaveTestKit.Wave("pz-draw-bad");
        await _kit.CreateAsync(wave);

        var response = await DrawAsync(wave.Id, WaveTestKit.Csv(wave, 10), query);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task DrawSample_ExtractWithABadRow_400WithTheLine_NoSample()
    {
        var wave = WaveTestKit.Wave("pz-draw-rows");
        await _kit.CreateAsync(wave);

        var response = await DrawAsync(wave.Id, WaveTestKit.Csv(wave, 20) + "X1;A B;Street 1;;8400;Gemeente 1.1;zone-9;Wijk 1.1.1;nl;25-34;F\n", "?perZone=5");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"line\":22", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await _kit.GetAsync(wave.Id)).GetProperty("sampleSize").GetInt32());
    }

    [Fact]
    public async Task DrawSample_FieldsWithSeparatorsQuotesAndLineBreaks_NobodyLost_OneLetterPerDrawnPerson()
    {
        var wave = WaveTestKit.Wave("pz-draw-quoted", 2, "nl", "fr", "de", "en");
        await _kit.CreateAsync(wave);
        var people = SyntheticSample.People(wave, 900, seed: 5).Select((p, i) => (i % 3) switch
        {
            0 => p with { AddressLine2 = "bus 3; 2e verdieping" },
            1 => p with { Name = p.Name + " \"Jos\"", AddressLine1 = p.AddressLine1 + ";" },
            _ => p with { AddressLine2 = "appartement 4\nachterbouw" },
        }).ToList();
        var extract = new StringWriter();
        SyntheticSample.WriteCsv(extract, people);

        var response = await DrawAsync(wave.Id, extract.ToString(), "?seed=424242&perZone=200");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var drawn = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(400, drawn.GetProperty("sampleSize").GetInt32());
        Assert.Equal(400, drawn.GetProperty("strata").EnumerateArray().Sum(s => s.GetProperty("drawn").GetInt32()));
        Assert.Equal(400, drawn.GetProperty("perZoneAndLanguage").EnumerateObject().Sum(g => g.Value.GetInt32()));
        Assert.Equal(8, drawn.GetProperty("perZoneAndLanguage").EnumerateObject().Count());

        Assert.Equal(HttpStatusCode.Accepted, (await _kit.StartAsync(wave.Id)).StatusCode);
        await _kit.WaitForAsync(wave.Id, "waiting for reminder");
        var secret = _app.Services.GetRequiredService<IOptions<WaveOptions>>().Value.WaveSecret(wave.Id);
        var everyone = people.Select(p => AccessToken.Derive(secret, wave.Id, p.PersonReference).Display).ToHashSet();
        var letters = await _kit.LettersAsync(wave.Id, "invitation");
        Assert.Equal(400, letters.Select(l => l.Token).Distinct().Count());
        Assert.Equal(400, letters.Count);
        Assert.All(letters, l => Assert.Contains(l.Token, everyone));
    }

    [Fact]
    public async Task Start_SampleRowsGone_EmptyBatchesSkipped_WaveRunsOn()
    {
        var wave = WaveTestKit.Wave("pz-empty-group", 1, "nl", "fr");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 40))).StatusCode);
        var store = _app.Services.GetRequiredService<WaveStore>();
        var record = (await store.GetAsync(wave.Id, default))!;
        var fr = WaveStore.Groups(record).Single(g => g.Language == "fr");
        await store.DeletePartitionsAsync([fr.Partition], default);

        Assert.Equal(HttpStatusCode.Accepted, (await _kit.StartAsync(wave.Id)).StatusCode);
        var view = await _kit.WaitForAsync(wave.Id, "waiting for reminder");

        Assert.Equal(40 - fr.Count, view.GetProperty("run").GetProperty("progress").GetProperty("lettersIssued").GetInt32());
        Assert.Equal(40 - fr.Count, (await _kit.LettersAsync(wave.Id, "invitation")).Count);
    }

    private Task<HttpResponseMessage> DrawAsync(string id, string csv, string query) =>
        _kit.Http.PostAsync(new Uri($"/api/waves/{id}/sample/draw{query}", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
}
