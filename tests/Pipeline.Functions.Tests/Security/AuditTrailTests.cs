using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Security;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The audit trail: who did what to a wave, through the API and the console, the purge's receipt; no personal data in
/// it; nothing the app offers changes or deletes an entry; the console shows it filtered and as CSV.
/// </summary>
public sealed class AuditTrailTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync() => _wave = await FieldworkWave.StartAsync(_app, people: 12, change: d => d with { RetentionDays = 30 });

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private string Id => _wave.Definition.Id;

    [Fact]
    public async Task AWholeWave_EveryActionRecorded_WithWhoAndResult_NoPersonalData_KeptByThePurge()
    {
        var http = WaveTestKit.Operator(_app).Http;
        var letters = await http.GetFromJsonAsync<JsonElement>($"/api/waves/{Id}/letters");
        var file = letters.EnumerateArray().First().GetProperty("name").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri($"/api/waves/{Id}/letters/{file}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{Id}/events/reschedule-close", new { after = "30.00:00:00" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync($"/api/waves/{Id}/returned-letters", new { tokens = new[] { _wave.Tokens[0] } })).StatusCode);
        var questions = _wave.Questionnaire.Questions.Select(q => q.Id).ToList();
        var answers = SyntheticAnswers.Complete(_wave.Questionnaire, new Random(3));
        var csv = "token;" + string.Join(";", questions) + "\n" + _wave.Tokens[1] + ";" + string.Join(";", questions.Select(q => answers.TryGetValue(q, out var v) ? string.Join("|", v) : "")) + "\n";
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync(new Uri($"/api/waves/{Id}/paper-responses", UriKind.Relative), new StringContent(csv, Encoding.UTF8, "text/csv"))).StatusCode);
        var analyst = _app.CreateClient();
        analyst.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.AnalystKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync(new Uri($"/api/waves/{Id}/cancel", UriKind.Relative), null)).StatusCode);
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = "wrong" }))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = PipelineApplication.OperatorKey }))).StatusCode);
        await _wave.SetAsync(w => w with { Phase = WavePhase.Closed });
        await _app.Services.GetRequiredService<WaveEnding>().PurgeAsync(Id, default);

        var entries = await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync(Id, default).ToListAsync();
        var me = KeyRing.Caller(PipelineApplication.OperatorKey, Role.Operator);
        foreach (var action in new[] { "wave created", "sample uploaded", "wave started", "letters downloaded", "event raised", "returned letters", "paper imported" })
        {
            var entry = entries.FirstOrDefault(e => e.Action == action);
            Assert.True(entry is not null, $"no '{action}' in: {string.Join(", ", entries.Select(e => e.Action))}");
            Assert.Equal(me, entry.Who);
            Assert.StartsWith("done 20", entry.Result, StringComparison.Ordinal);
        }

        Assert.Contains($"name={file}", entries.Single(e => e.Action == "letters downloaded").Detail, StringComparison.Ordinal);
        Assert.Equal("name=reschedule-close", entries.Single(e => e.Action == "event raised").Detail);
        var refused = entries.Single(e => e.Action == "wave cancelled");
        Assert.Equal((KeyRing.Caller(PipelineApplication.AnalystKey, Role.Analyst), "refused 403"), (refused.Who, refused.Result));
        var receipt = entries.Single(e => e.Action == "purge receipt");
        Assert.Equal(WaveEnding.Who, receipt.Who);
        Assert.Matches(@"deleted: 12 people's rows, 12 token rows, \d+ tallies, 0 waiting paper keyings, \d+ letter, manifest, plan and upload files; kept: counters of \d+ areas", receipt.Detail);
        var signIns = await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default).Where(e => e.Action == "sign-in").ToListAsync();
        Assert.Equal([(me, "done 302"), ("no valid key", "refused 401")], signIns.Select(e => (e.Who, e.Result)));
        Assert.Equal("role=Operator sees every wave and area", signIns[0].Detail);

        // The operator's key was new to the app: one "role given", however many requests it made.
        var given = await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default, "role given").ToListAsync();
        Assert.Equal("role=Operator sees every wave and area", Assert.Single(given, e => e.Who == me).Detail);

        // No name, address, register reference or token of anyone in the sample, anywhere in the trail.
        var trail = string.Join("\n", (await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(AuditTrail.Table, TableQuery.All).ToListAsync())
            .SelectMany(r => r.Properties.Values.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
        foreach (var person in _wave.People)
        {
            foreach (var secret in new[] { person.Name, person.AddressLine1, person.PersonReference })
            {
                Assert.DoesNotContain(secret, trail, StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.All(_wave.Tokens, token => Assert.DoesNotContain(token.Replace("-", string.Empty, StringComparison.Ordinal), trail.Replace("-", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>What the app offers to delete (purge now, the task hub's purge of an instance) leaves the trail whole; an entry's key cannot be written twice.</summary>
    [Fact]
    public async Task NothingTheAppOffers_ChangesOrDeletesAnEntry()
    {
        var http = WaveTestKit.Operator(_app).Http;
        var tables = _app.Services.GetRequiredService<ITableStore>();
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync(new Uri($"/api/waves/{Id}/cancel", UriKind.Relative), null)).StatusCode);
        await new WaveTestKit(http).WaitForAsync(Id, "cancelled");
        var before = await tables.QueryAllAsync(AuditTrail.Table, TableQuery.InPartition(Id)).ToListAsync();

        await http.PostAsync(new Uri($"/api/waves/{Id}/purge", UriKind.Relative), null);
        await http.DeleteAsync(new Uri($"/api/durable/instances/{Id}", UriKind.Relative));
        await http.PostAsync(new Uri("/api/durable/purge", UriKind.Relative), JsonContent.Create(new { createdTo = DateTimeOffset.UtcNow.AddDays(1) }));

        var after = await tables.QueryAllAsync(AuditTrail.Table, TableQuery.InPartition(Id)).ToListAsync();
        Assert.All(before, row => Assert.Contains(after, a => a.RowKey == row.RowKey && a.ETag == row.ETag));
        Assert.True(after.Count > before.Count, "the attempts themselves are recorded");
        var first = before[0];
        await Assert.ThrowsAsync<ConflictException>(() => tables.InsertAsync(AuditTrail.Table, first with { Properties = new Dictionary<string, object>(first.Properties) { ["Result"] = "changed" } }));
        Assert.DoesNotContain(typeof(AuditTrail).GetMethods(), m => m.DeclaringType == typeof(AuditTrail) && (m.Name.Contains("Delete", StringComparison.Ordinal) || m.Name.Contains("Update", StringComparison.Ordinal)));
    }

    /// <summary>A made-up path's id (no wave id, such as one with a #) is recorded under no wave, named in the detail, and the request answers as it would.</summary>
    [Fact]
    public async Task AMadeUpId_RecordedUnderNoWave_TheAnswerUnchanged()
    {
        var http = WaveTestKit.Operator(_app).Http;

        var response = await http.PostAsync(new Uri("/api/waves/BAD%23ID/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var entry = (await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default).ToListAsync()).First(e => e.Action == "wave cancelled");
        Assert.Equal(("refused 404", "id=BAD#ID"), (entry.Result, entry.Detail));
    }

    /// <summary>
    /// A role or scope seen for the first time is "role given", a changed one "role changed" with before and after, once
    /// per change however many instances of the app (each with its memory) see it.
    /// </summary>
    [Fact]
    public async Task RoleChanges_GivenOnce_ChangedOnceWhenTheConfigurationChanges()
    {
        var tables = _app.Services.GetRequiredService<ITableStore>();
        var audit = _app.Services.GetRequiredService<AuditTrail>();
        var zone = new KeyEntry("analyst PZ Demo", [], Role.Analyst, new AccessScope(new HashSet<string> { "zone-1" }, null));
        var wider = zone with { Scope = new AccessScope(new HashSet<string> { "zone-2", "zone-1" }, null) };

        var first = new RoleChanges(tables, audit);
        await first.NoteAsync(zone, default);
        await first.NoteAsync(zone, default);
        await new RoleChanges(tables, audit).NoteAsync(zone, default); // another instance, or the app after a restart
        var restarted = new RoleChanges(tables, audit);
        await restarted.NoteAsync(wider, default);
        await restarted.NoteAsync(wider, default);
        await first.NoteAsync(wider, default);

        var entries = await audit.OfWaveAsync("-", default).Where(e => e.Who == zone.Name).Select(e => (e.Who, e.Action, e.Detail)).ToListAsync();
        Assert.Equal(
            [
                ("analyst PZ Demo", "role changed", "from role=Analyst sees zones [zone-1] to role=Analyst sees zones [zone-1, zone-2]"),
                ("analyst PZ Demo", "role given", "role=Analyst sees zones [zone-1]"),
            ],
            entries);
        Assert.DoesNotContain(await tables.QueryAllAsync(RoleChanges.Table, TableQuery.All).ToListAsync(), r => r.RowKey.Contains("analyst", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ConsolePage_OfNoWave_SignInsAndRoles_OperatorsOfEveryWaveOnly()
    {
        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = PipelineApplication.AnalystKey }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri("/console/audit/log", UriKind.Relative))).StatusCode);

        var http = WaveTestKit.Operator(_app).Http;
        var page = await http.GetStringAsync(new Uri("/console/audit/log?lang=en&what=sign-in", UriKind.Relative));
        Assert.Contains($"<td>{KeyRing.Caller(PipelineApplication.AnalystKey, Role.Analyst)}</td><td>sign-in</td><td>done 302</td><td>role=Analyst sees every wave and area</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>role given</td>", page, StringComparison.Ordinal);
        Assert.Contains("Sign-in with Microsoft Entra ID is off here", page, StringComparison.Ordinal); // as shipped
        var csv = await http.GetStringAsync(new Uri("/console/audit/log?format=csv&what=role", UriKind.Relative));
        Assert.Contains(";role given;;done;role=Analyst sees every wave and area", csv, StringComparison.Ordinal);
    }

    /// <summary>A page shows the newest <see cref="Pipeline.Functions.OperatorConsole.AuditPage.MaxShown"/> entries and says so; the CSV holds them all.</summary>
    [Fact]
    public async Task ConsolePage_ManyEntries_TheNewestShown_TheCsvWhole()
    {
        var audit = _app.Services.GetRequiredService<AuditTrail>();
        for (var i = 0; i < Pipeline.Functions.OperatorConsole.AuditPage.MaxShown + 5; i++)
        {
            await audit.RecordAsync("flood", "sign-in", null, "refused 401", null, default);
        }

        var http = WaveTestKit.Operator(_app).Http;
        var page = await http.GetStringAsync(new Uri("/console/audit/log?lang=en&who=flood", UriKind.Relative));
        Assert.Equal(Pipeline.Functions.OperatorConsole.AuditPage.MaxShown, System.Text.RegularExpressions.Regex.Count(page, "<tr><td>[0-9]"));
        Assert.Contains("The newest 1,000 of 1,005 entries", page, StringComparison.Ordinal);
        var csv = await http.GetStringAsync(new Uri("/console/audit/log?format=csv&who=flood", UriKind.Relative));
        Assert.Equal(1 + 1005, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public async Task ConsolePage_FilteredByWhoAndAction_AsCsv_OperatorsOnly()
    {
        var http = WaveTestKit.Operator(_app).Http;
        var page = await http.GetStringAsync(new Uri($"/console/waves/{Id}/audit/log?lang=en&what=started", UriKind.Relative));
        Assert.Contains("<td>wave started</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<td>wave created</td>", page, StringComparison.Ordinal);
        Assert.Empty(System.Text.RegularExpressions.Regex.Matches(await http.GetStringAsync(new Uri($"/console/waves/{Id}/audit/log?who=nobody", UriKind.Relative)), "<tr><td>"));

        var csv = await http.GetAsync(new Uri($"/console/waves/{Id}/audit/log?format=csv", UriKind.Relative));
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("at;who;action;wave;result;detail", lines[0].TrimEnd('\r'));
        Assert.Contains(lines, l => l.Contains(";wave created;" + Id + ";done 201;", StringComparison.Ordinal));

        var analyst = _app.CreateClient();
        analyst.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.AnalystKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync(new Uri($"/console/waves/{Id}/audit/log?format=csv", UriKind.Relative))).StatusCode);
    }
}
