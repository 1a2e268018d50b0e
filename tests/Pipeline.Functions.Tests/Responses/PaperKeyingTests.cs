using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Security;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Double keying of paper forms: a form counts once two people key it alike; a third decides where they differ; nothing
/// reaches the response store before; every keying is audited without its answers.
/// </summary>
public sealed class PaperKeyingTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { Settings = { ["Aggregates:MinimumRespondents"] = "2", ["Aggregates:MinimumChange"] = "1" } };
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync() => _wave = await FieldworkWave.StartAsync(_app, people: 20, change: d => d with { RetentionDays = 30 });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private PaperKeying Keying => _app.Services.GetRequiredService<PaperKeying>();

    private string WaveId => _wave.Definition.Id;

    /// <summary>A complete form's answers as a keyer types them: the printed codes, skipped questions blank.</summary>
    private Dictionary<string, string> Typed(int seed)
    {
        var questionnaire = _wave.Questionnaire;
        var answers = SyntheticAnswers.Complete(questionnaire, new Random(seed));
        return questionnaire.Questions.ToDictionary(q => q.Id, q => answers.TryGetValue(q.Id, out var codes) ? PaperCodes.Typed(questionnaire, q, codes) : string.Empty);
    }

    private async Task<KeyingResult> KeyAsync(string token, string keyer, Dictionary<string, string> typed) =>
        await Keying.KeyAsync(WaveId, await Keying.OpenAsync(WaveId, token, default), keyer, typed, default);

    private async Task<int> ReleasedAsync() => await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);

    [Fact]
    public async Task TwoKeyingsAlike_StoredOnce_AsPaper_FirstAloneStoresNothing_SameKeyerTwiceRefused()
    {
        var token = _wave.NextToken();
        var typed = Typed(1);

        Assert.Equal(KeyingOutcome.First, (await KeyAsync(token, "An", typed)).Outcome);
        Assert.Equal(0, await ReleasedAsync());
        var again = await KeyAsync(token, " an ", typed);
        Assert.Equal(KeyingOutcome.Refused, again.Outcome);
        Assert.Contains("someone else", again.Reason, StringComparison.Ordinal);

        Assert.Equal(KeyingOutcome.Agreed, (await KeyAsync(token, "Bart", typed)).Outcome);

        Assert.Equal(1, await ReleasedAsync());
        var stored = Assert.Single(await _wave.ResponsesAsync());
        Assert.Contains("\"channel\":\"paper\"", stored.Json, StringComparison.Ordinal);
        Assert.Empty(await Rows(PaperKeying.Table));
        var third = await KeyAsync(token, "Cas", typed);
        Assert.Contains("answered already", third.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disagreement_AThirdPersonDecides_NotAKeyer_TheDecisionIsStored()
    {
        var token = _wave.NextToken();
        var first = Typed(2);
        var second = new Dictionary<string, string>(first) { ["buurt_inbraak"] = first["buurt_inbraak"] == "1" ? "2" : "1" };

        Assert.Equal(KeyingOutcome.First, (await KeyAsync(token, "An", first)).Outcome);
        Assert.Equal(KeyingOutcome.Disagreed, (await KeyAsync(token, "Bart", second)).Outcome);
        Assert.Equal(0, await ReleasedAsync());
        Assert.Equal(KeyingOutcome.Refused, (await KeyAsync(token, "Cas", first)).Outcome);
        var disagreements = await Keying.DisagreementsAsync(WaveId, default);
        Assert.Equal(("An", "Bart"), (Assert.Single(disagreements).First, disagreements[0].Second));

        var form = await Keying.OpenAsync(WaveId, token, default);
        Assert.Equal(KeyingOutcome.Refused, (await Keying.DecideAsync(WaveId, form, "Bart", first, default)).Outcome);
        Assert.Equal(KeyingOutcome.Decided, (await Keying.DecideAsync(WaveId, form, "Cas", second, default)).Outcome);

        Assert.Equal(1, await ReleasedAsync());
        var stored = Assert.Single(await _wave.ResponsesAsync()).Json;
        var code = PaperCodes.Code(_wave.Questionnaire, _wave.Questionnaire.Find("buurt_inbraak")!, second["buurt_inbraak"]);
        Assert.Contains($"\"buurt_inbraak\":\"{code}\"", stored, StringComparison.Ordinal);
        Assert.Empty(await Keying.DisagreementsAsync(WaveId, default));
    }

    /// <summary>
    /// The figures by mode: the progress counts the responses on paper per zone; the aggregates publish them only when
    /// neither mode is a group under the minimum of respondents (here 2).
    /// </summary>
    [Fact]
    public async Task ModeInTheFigures_PaperCountedInProgressAndAggregates_SmallModeGroupsNotPublished()
    {
        foreach (var (token, seed) in new[] { (_wave.NextToken(), 7), (_wave.NextToken(), 8) })
        {
            await KeyAsync(token, "An", Typed(seed));
            Assert.Equal(KeyingOutcome.Agreed, (await KeyAsync(token, "Bart", Typed(seed))).Outcome);
        }

        var web = _app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await web.PostAsJsonAsync("/api/responses", new { token = _wave.NextToken(), answers = _wave.Answers(9) })).StatusCode);
        Assert.Equal(3, await ReleasedAsync());
        var http = WaveTestKit.Operator(_app).Http;
        async Task<System.Text.Json.JsonElement> WholeAsync()
        {
            await _app.Services.GetRequiredService<Pipeline.Functions.Aggregates.AggregateService>().RecomputeAsync(WaveId, default);
            return await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/waves/{WaveId}/aggregates?level=wave&area={WaveId}");
        }

        var zones = (await http.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/waves/{WaveId}")).GetProperty("zones").EnumerateArray();
        Assert.Equal((3, 2), (zones.Sum(z => z.GetProperty("responded").GetInt32()), zones.Sum(z => z.GetProperty("onPaper").GetInt32())));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await WholeAsync()).GetProperty("onPaper").ValueKind);

        Assert.Equal(HttpStatusCode.Created, (await web.PostAsJsonAsync("/api/responses", new { token = _wave.NextToken(), answers = _wave.Answers(10) })).StatusCode);
        Assert.Equal(1, await ReleasedAsync());
        var whole = await WholeAsync();
        Assert.Equal((4, 2), (whole.GetProperty("responses").GetInt32(), whole.GetProperty("onPaper").GetInt32()));
    }

    [Fact]
    public async Task WrongCodes_RefusedPerQuestion_NothingKept_SkipsApplied_BlanksAreItemNonresponse()
    {
        var token = _wave.NextToken();
        var typed = Typed(3);
        var wrong = new Dictionary<string, string>(typed) { ["buurt_inbraak"] = "7", ["preventie_maatregelen"] = "1 9", ["achtergrond_jaren_buurt"] = "abc" };

        var refused = await KeyAsync(token, "An", wrong);

        Assert.Equal(KeyingOutcome.Invalid, refused.Outcome);
        Assert.Equal(["achtergrond_jaren_buurt", "buurt_inbraak", "preventie_maatregelen"], refused.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("1, 2, 3, 4, 5", refused.Errors["preventie_maatregelen"], StringComparison.Ordinal);
        Assert.Empty(await Rows(PaperKeying.Table));

        // A question the paper skips (asked only if question 7 is 1) is dropped when typed; a blank one is item nonresponse.
        var (answers, errors) = PaperKeying.Read(_wave.Questionnaire, new Dictionary<string, string>(typed) { ["onveilig_ooit"] = "2", ["onveilig_hoevaak"] = "3", ["buurt_drugs"] = "" });
        Assert.Empty(errors);
        Assert.False(answers.ContainsKey("onveilig_hoevaak"));
        Assert.False(answers.ContainsKey("buurt_drugs"));
        var blank = new Dictionary<string, string>(typed) { ["buurt_drugs"] = "" };
        Assert.Equal(KeyingOutcome.First, (await KeyAsync(token, "An", blank)).Outcome);
        Assert.Equal(KeyingOutcome.Agreed, (await KeyAsync(token, "Bart", blank)).Outcome);
        Assert.Equal(1, await ReleasedAsync());
    }

    [Fact]
    public async Task AnsweredOnlineFirst_KeyingRefused_FirstAnswerKept_ItsKeyingsGo()
    {
        var token = _wave.NextToken();
        Assert.Equal(KeyingOutcome.First, (await KeyAsync(token, "An", Typed(4))).Outcome);
        Assert.Equal(HttpStatusCode.Created, (await _app.CreateClient().PostAsJsonAsync("/api/responses", new { token, answers = _wave.Answers(4) })).StatusCode);

        var second = await KeyAsync(token, "Bart", Typed(4));

        Assert.Equal(KeyingOutcome.Refused, second.Outcome);
        Assert.Contains("the first answer stands", second.Reason, StringComparison.Ordinal);
        Assert.Empty(await Rows(PaperKeying.Table));
        Assert.Equal(1, await ReleasedAsync());
        Assert.Contains("\"channel\":\"web\"", Assert.Single(await _wave.ResponsesAsync()).Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATokenOfAnotherWave_OrMalformed_Refused()
    {
        var other = await FieldworkWave.StartAsync(_app, people: 4);

        Assert.Contains("No letter of this wave", (await KeyAsync(other.Tokens[0], "An", Typed(5))).Reason, StringComparison.Ordinal);
        Assert.Contains("Not a token", (await KeyAsync("ABCD-EFGH-JKMN-X", "An", Typed(5))).Reason, StringComparison.Ordinal);
        Assert.Empty(await Rows(PaperKeying.Table));
    }

    /// <summary>The audit has an entry per keying (who, what, the form's number, the outcome) and no token or answer; the purge leaves it and takes the waiting keyings.</summary>
    [Fact]
    public async Task Audit_EveryKeying_NoTokenNoAnswer_KeptByThePurge_WaitingKeyingsPurged()
    {
        var (agreed, waiting) = (_wave.NextToken(), _wave.NextToken());
        var typed = Typed(6);
        await KeyAsync(agreed, "An", typed);
        await KeyAsync(agreed, "Bart", typed);
        await KeyAsync(waiting, "An", typed);
        await KeyAsync("ABCD-EFGH", "Bart", typed);

        var entries = await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync(WaveId, default).Where(e => e.Action == PaperKeying.AuditAction).ToListAsync();
        Assert.Equal(["refused", "first", "agreed", "first"], entries.Select(e => e.Result));
        Assert.Equal(["Bart", "An", "Bart", "An"], entries.Select(e => e.Who));
        Assert.Equal("form " + (await Keying.OpenAsync(WaveId, agreed, default)).Number + " with An", entries[2].Detail);
        var audit = string.Join("\n", (await Rows(AuditTrail.Table)).SelectMany(r => r.Properties.Values.Select(v => v.ToString())));
        foreach (var secret in new[] { agreed, waiting, agreed.Replace("-", string.Empty, StringComparison.Ordinal), typed["achtergrond_opmerkingen"] }.Where(s => s.Length > 3))
        {
            Assert.DoesNotContain(secret, audit, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("buurt_inbraak", audit, StringComparison.Ordinal);
        await _wave.SetAsync(w => w with { Phase = WavePhase.Closed });
        await _app.Services.GetRequiredService<WaveEnding>().PurgeAsync(WaveId, default);
        Assert.Empty(await Rows(PaperKeying.Table));
        Assert.Equal(4, (await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync(WaveId, default).Where(e => e.Action == PaperKeying.AuditAction).ToListAsync()).Count);
    }

    private async Task<List<TableRow>> Rows(string table) =>
        await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(table, TableQuery.All).ToListAsync();
}
