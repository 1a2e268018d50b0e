using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Tests;

/// <summary><c>POST /api/responses</c> on the in-memory twin: every bad input, exactly once, and what a response holds.</summary>
public sealed partial class ResponsesApiTests(ResponsesApiTests.Fixture fixture) : IClassFixture<ResponsesApiTests.Fixture>
{
    private readonly PipelineApplication _app = fixture.App;
    private readonly FieldworkWave _wave = fixture.Wave;
    private readonly HttpClient _http = fixture.App.CreateClient();

    /// <summary>One host and one wave in fieldwork for the whole class; each test takes its own tokens.</summary>
    public sealed class Fixture : IAsyncLifetime, IDisposable
    {
        internal PipelineApplication App { get; } = new()
        {
            Settings = { ["Responses:ClientPermitsPerMinute"] = "100000", ["Responses:TokenPermitsPerMinute"] = "100000" },
        };

        internal FieldworkWave Wave { get; private set; } = null!;

        public async Task InitializeAsync() => Wave = await FieldworkWave.StartAsync(App, people: 60);

        public async Task DisposeAsync() => await App.DisposeAsync();

        public void Dispose() => App.Dispose();
    }

    private Task<HttpResponseMessage> PostAsync(object body) => _http.PostAsJsonAsync("/api/responses", body);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        return JsonDocument.Parse(await WaveTestKit.ProblemAsync(response)).RootElement;
    }

    [Fact]
    public async Task Post_ValidAnswers_StoredOnce_SecondIs409()
    {
        var token = _wave.NextToken();

        var first = await PostAsync(new { token, answers = _wave.Answers() });
        var second = await PostAsync(new { token = token.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant(), answers = _wave.Answers(2) });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Null(first.Headers.Location);
        Assert.Equal("Already answered", (await ProblemAsync(second, HttpStatusCode.Conflict)).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_Released_RecordHoldsOnlyAnonymousFields_UnderARandomName()
    {
        var token = _wave.NextToken();
        var person = _wave.People[_wave.Tokens.ToList().IndexOf(token)];
        var release = _app.Services.GetRequiredService<ResponseRelease>();
        await release.ReleaseAsync(default);
        var before = (await _wave.ResponsesAsync()).Select(r => r.Name).ToHashSet();
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { token, language = "fr", answers = _wave.Answers() })).StatusCode);

        Assert.Equal(before.Count, (await _wave.ResponsesAsync()).Count);
        await release.ReleaseAsync(default);

        var (name, json) = Assert.Single(await _wave.ResponsesAsync(), r => !before.Contains(r.Name));
        Assert.Matches(RandomName(), name);
        var record = JsonDocument.Parse(json).RootElement;
        Assert.Equal(
            ["ageBand", "answers", "channel", "day", "language", "municipality", "neighbourhood", "questionnaire", "sex", "wave", "zone"],
            record.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", record.GetProperty("day").GetString()!);
        Assert.Equal(person.Neighbourhood, record.GetProperty("neighbourhood").GetString());
        Assert.Equal(person.AgeBand, record.GetProperty("ageBand").GetString());
        Assert.Equal("fr", record.GetProperty("language").GetString());
        var hash = _app.Services.GetRequiredService<TokenDirectory>().Hash(Pipeline.Survey.Tokens.AccessToken.Parse(token).Token!);
        foreach (var secret in new[] { token, token.Replace("-", "", StringComparison.Ordinal), hash, person.PersonReference, person.Name, person.AddressLine1 })
        {
            Assert.DoesNotContain(secret, json + name, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("ABCD-EFGH-JKMN", "13 characters")]
    [InlineData("ABCD-EFGH-JKMN-PQ0", "0")]
    [InlineData("", "13 characters")]
    public async Task Post_MalformedToken_400WithHint(string token, string hint)
    {
        var problem = await ProblemAsync(await PostAsync(new { token, answers = _wave.Answers() }), HttpStatusCode.BadRequest);

        Assert.Equal("token", problem.GetProperty("field").GetString());
        Assert.Contains(hint, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_TypoInToken_400NamesTheCheckCharacter()
    {
        var token = _wave.NextToken();
        var typo = (token[0] == 'A' ? "B" : "A") + token[1..];

        var problem = await ProblemAsync(await PostAsync(new { token = typo, answers = _wave.Answers() }), HttpStatusCode.BadRequest);

        Assert.Contains("check", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_UnknownOrPurged_SameAnswer404_Closed410()
    {
        var other = await FieldworkWave.StartAsync(_app, people: 4);
        var unknown = Pipeline.Survey.Tokens.AccessToken.Derive(new byte[32], "nowhere", "p1").Display;

        var never = await ProblemAsync(await PostAsync(new { token = unknown, answers = _wave.Answers() }), HttpStatusCode.NotFound);
        await other.SetAsync(w => w with { Phase = WavePhase.Closed });
        var closed = await ProblemAsync(await PostAsync(new { token = other.Tokens[0], answers = other.Answers() }), HttpStatusCode.Gone);
        await other.SetAsync(w => w with { Purged = true });
        var purged = await ProblemAsync(await PostAsync(new { token = other.Tokens[1], answers = other.Answers() }), HttpStatusCode.NotFound);

        Assert.Equal(never.GetProperty("detail").GetString(), purged.GetProperty("detail").GetString());
        Assert.Equal("Survey closed", closed.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_WrongAnswers_400ListsEveryField_AndTheTokenStaysUsable()
    {
        var token = _wave.NextToken();
        var answers = _wave.Answers();
        answers["slachtoffer_inbraak"] = "2";
        answers["aangifte_inbraak"] = "1";
        answers.Remove("buurt_drugs");
        answers["bestaat_niet"] = "1";
        answers["buurt_lawaai"] = "7";
        answers["achtergrond_jaren_buurt"] = 101;
        answers["achtergrond_opmerkingen"] = new string('x', 501);
        answers["onveilig_buurt"] = new { nested = true };

        var problem = await ProblemAsync(await PostAsync(new { token, language = "xx", questionnaireVersion = "vm-1999", answers }), HttpStatusCode.BadRequest);

        Assert.Equal(
            ["answers.aangifte_inbraak", "answers.achtergrond_jaren_buurt", "answers.achtergrond_opmerkingen", "answers.bestaat_niet", "answers.buurt_drugs", "answers.buurt_lawaai", "answers.onveilig_buurt", "language", "questionnaireVersion"],
            problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { token, answers = _wave.Answers() })).StatusCode);
    }

    [Theory]
    [InlineData("{\"token\": ", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("[1,2]", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("null", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("{\"token\": 5}", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("", "application/json", HttpStatusCode.BadRequest)]
    [InlineData("token=x", "application/x-www-form-urlencoded", HttpStatusCode.UnsupportedMediaType)]
    public async Task Post_MalformedBody_ProblemSaysWhere(string body, string type, HttpStatusCode status)
    {
        var problem = await ProblemAsync(await _http.PostAsync(new Uri("/api/responses", UriKind.Relative), new StringContent(body, Encoding.UTF8, type)), status);

        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Post_NoAnswers_400AtAnswers()
    {
        var problem = await ProblemAsync(await PostAsync(new { token = _wave.NextToken() }), HttpStatusCode.BadRequest);

        Assert.True(problem.GetProperty("errors").TryGetProperty("answers", out _));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_BodyOverTheLimit_413(bool chunked)
    {
        var body = "{\"token\":\"" + new string('A', 70 * 1024) + "\"}";
        var content = new StringContent(body, Encoding.UTF8, "application/json");
        if (chunked)
        {
            content = new StringContent(body, Encoding.UTF8, "application/json");
            content.Headers.ContentLength = null;
            await content.LoadIntoBufferAsync();
            content.Headers.ContentLength = null;
        }

        var problem = await ProblemAsync(await _http.PostAsync(new Uri("/api/responses", UriKind.Relative), content), HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("65,536", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_FiftyConcurrentSubmissionsOfOneToken_StoreExactlyOne()
    {
        var token = _wave.NextToken();
        await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var before = (await _wave.ResponsesAsync()).Count;

        var statuses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => (await PostAsync(new { token, answers = _wave.Answers(i) })).StatusCode)));
        await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(49, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.Equal(before + 1, (await _wave.ResponsesAsync()).Count);
    }

    [Fact]
    public async Task Paper_MixedRows_ReportEachRefusedLine_FirstStoredWins()
    {
        var (online, paper, wrong) = (_wave.NextToken(), _wave.NextToken(), _wave.NextToken());
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { token = online, answers = _wave.Answers() })).StatusCode);
        var questions = _wave.Questionnaire.Questions.Select(q => q.Id).ToList();
        string Row(string token, Dictionary<string, IReadOnlyList<string>> answers) =>
            token + ";nl;" + string.Join(";", questions.Select(q => answers.TryGetValue(q, out var v) ? string.Join("|", v) : ""));
        var complete = SyntheticAnswers.Complete(_wave.Questionnaire, new Random(5));
        var bad = new Dictionary<string, IReadOnlyList<string>>(complete) { ["buurt_lawaai"] = ["7"] };
        var csv = "token;language;" + string.Join(";", questions) + "\n"
            + Row(paper, complete) + "\n"
            + Row(online, complete) + "\n"
            + Row(wrong, bad) + "\n"
            + Row("ABCD-EFGH-JKMN-P", complete) + "\n";

        var response = await Operator().PostAsync(new Uri($"/api/waves/{_wave.Definition.Id}/paper-responses", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));
        var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, report.GetProperty("accepted").GetInt32());
        Assert.Equal(
            [(3L, 409), (4L, 400), (5L, 400)],
            report.GetProperty("rejections").EnumerateArray().Select(r => (r.GetProperty("line").GetInt64(), r.GetProperty("status").GetInt32())));
        Assert.True(report.GetProperty("rejections")[1].GetProperty("errors").TryGetProperty("answers.buurt_lawaai", out _));
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(new { token = paper, answers = _wave.Answers() })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(new { token = wrong, answers = _wave.Answers() })).StatusCode);
    }

    /// <summary>Paper forms posted before the close arrive after it: taken until the wave's paperCutoffDays have passed, then refused with the date.</summary>
    [Fact]
    public async Task Paper_AfterTheClose_TakenUntilTheCutoff_ThenRefusedWithTheReason()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 6, change: d => d with { RetentionDays = 10, PaperCutoffDays = 7 });
        var questions = wave.Questionnaire.Questions.Select(q => q.Id).ToList();
        var complete = SyntheticAnswers.Complete(wave.Questionnaire, new Random(5));
        string Csv(string token) => "token;" + string.Join(";", questions) + "\n" + token + ";" + string.Join(";", questions.Select(q => complete.TryGetValue(q, out var v) ? string.Join("|", v) : "")) + "\n";
        Task<HttpResponseMessage> Import(string token) =>
            Operator().PostAsync(new Uri($"/api/waves/{wave.Definition.Id}/paper-responses", UriKind.Relative), new StringContent(Csv(token), Encoding.UTF8, "text/csv"));

        await wave.SetAsync(w => w with { Phase = WavePhase.Closed, ClosedAt = DateTimeOffset.UtcNow.AddDays(-6) });
        var late = JsonDocument.Parse(await (await Import(wave.Tokens[0])).Content.ReadAsStringAsync()).RootElement;
        // Online, the closed wave takes nothing.
        Assert.Equal(HttpStatusCode.Gone, (await PostAsync(new { token = wave.Tokens[1], answers = wave.Answers() })).StatusCode);

        await wave.SetAsync(w => w with { ClosedAt = DateTimeOffset.UtcNow.AddDays(-7).AddMinutes(-1) });
        var tooLate = await Import(wave.Tokens[1]);

        Assert.Equal(1, late.GetProperty("accepted").GetInt32());
        Assert.Equal("Wave takes no paper forms", (await ProblemAsync(tooLate, HttpStatusCode.Conflict)).GetProperty("title").GetString());
        // A form that reaches the intake another way (a keying begun before the cutoff) is refused with the date.
        var intake = await _app.Services.GetRequiredService<ResponseIntake>().SubmitAsync(
            new Submission(wave.Tokens[2], null, null, complete, ResponseRecord.Paper) { LimitPerToken = false }, default);
        Assert.Equal((IntakeStatus.TokenRefused, TokenState.Closed), (intake.Status, intake.Access!.State));
        Assert.Contains("paperCutoffDays", intake.Access.Hint, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token;bestaat_niet\nX;1\n", HttpStatusCode.BadRequest, "bestaat_niet")]
    [InlineData("buurt_inbraak\n1\n", HttpStatusCode.BadRequest, "token")]
    [InlineData("", HttpStatusCode.BadRequest, "token")]
    public async Task Paper_UnreadableHeader_400StoresNothing(string csv, HttpStatusCode status, string named)
    {
        var response = await Operator().PostAsync(new Uri($"/api/waves/{_wave.Definition.Id}/paper-responses", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.Contains(named, (await ProblemAsync(response, status)).GetProperty("errors").GetProperty("line 1")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_WithoutOperatorKey_401()
    {
        var response = await _http.PostAsync(new Uri($"/api/waves/{_wave.Definition.Id}/paper-responses", UriKind.Relative), new StringContent("token\n", Encoding.UTF8, "text/csv"));

        await ProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    private HttpClient Operator()
    {
        var http = _app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        return http;
    }

    [GeneratedRegex(@"^resp-[0-9a-f]{8}/[a-z0-9-]+/[0-9a-f]{32}\.json$")]
    private static partial Regex RandomName();
}
