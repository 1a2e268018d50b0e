using System.Net;
using System.Net.Http.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.InProcess;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Tests;

/// <summary>
/// A whole wave on Azurite and the task hub: 2,000 people over 3 zones and 2 languages; invitations; 40% respond
/// and 5% opt out; the operator brings the reminder and the close forward; reminders; close; purge.
/// </summary>
[Collection(ReleasesOnAzurite.Name)]
public sealed class WaveEndToEndTests
{
    [Fact]
    public Task Wave_EndToEnd_EveryoneOneInvitation_NonrespondersOneReminder_ThenPurged() => RunAsync(crashes: false);

    /// <summary>Letter batches crash after their work (before their result is kept) and are run again: still one letter per person and kind.</summary>
    [Fact]
    public Task Wave_WithActivitiesCrashingAfterTheirWork_StillOneLetterPerPersonAndKind() => RunAsync(crashes: true);

    private static async Task RunAsync(bool crashes)
    {
        var crashed = 0;
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings[PipelineApplication.HubSetting + "maxConcurrentActivityFunctions"] = "4";
        app.Settings["Responses:ClientPermitsPerMinute"] = "100000";
        app.Settings["Waves:FirstRetry"] = "00:00:00.200";
        if (crashes)
        {
            // Every third letter batch throws after its PDF, manifest and token rows are written: 8 times in all.
            var seen = 0;
            app.ConfigureServices = services => services.AddTaskHub(r => r.AddActivity(nameof(IssueLettersActivity), sp => new CrashAfterWork(
                ActivatorUtilities.CreateInstance<IssueLettersActivity>(sp),
                () => Interlocked.Increment(ref seen) % 3 == 1 && Interlocked.Increment(ref crashed) <= 8)));
        }

        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var kit = new WaveTestKit(http);

        var wave = WaveTestKit.Wave("e2e-" + Guid.NewGuid().ToString("N")[..8], 3, "nl", "fr") with { LettersPerBatch = 150 };
        var people = SyntheticSample.People(wave, 2000, seed: 11).ToList();
        Assert.Equal(HttpStatusCode.Created, (await kit.CreateAsync(wave)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 2000, seed: 11))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await kit.StartAsync(wave.Id, """{"reminderAfter":"1.00:00:00","closeAfter":"2.00:00:00"}""")).StatusCode);
        await kit.WaitForAsync(wave.Id, "waiting for reminder");

        var secret = app.Services.GetRequiredService<IOptions<WaveOptions>>().Value.WaveSecret(wave.Id);
        var tokens = people.ToDictionary(p => p.PersonReference, p => AccessToken.Derive(secret, wave.Id, p.PersonReference));
        var invited = await kit.LettersAsync(wave.Id, "invitation");
        WaveTestKit.AssertExactlyOnce(invited, people.Select(p => tokens[p.PersonReference].Display));

        // 40% answer through the response API (their release comes later: the reminder plan must still skip them),
        // 5% opt out through the API.
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var respondent = app.CreateClient();
        for (var i = 0; i < people.Count; i++)
        {
            if (i % 5 < 2)
            {
                var answers = AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, new Random(i)));
                var answered = await respondent.PostAsJsonAsync("/api/responses", new { token = tokens[people[i].PersonReference].Display, answers });
                Assert.Equal(HttpStatusCode.Created, answered.StatusCode);
            }
            else if (i % 20 == 2)
            {
                var optOut = await app.CreateClient().PostAsJsonAsync("/api/optout", new { token = tokens[people[i].PersonReference].Display });
                Assert.Equal(HttpStatusCode.NoContent, optOut.StatusCode);
            }
        }

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-reminder", new { after = "00:00:01" })).StatusCode);
        await kit.WaitForAsync(wave.Id, "fieldwork");
        var reminded = await kit.LettersAsync(wave.Id, "reminder");
        var kinds = people.Select((p, i) => (tokens[p.PersonReference].Display, Kind: i % 5 < 2 ? "responder" : i % 20 == 2 ? "opted out" : "reminded")).ToDictionary(p => p.Display, p => p.Kind);
        Assert.True(
            reminded.All(r => kinds[r.Token] == "reminded"),
            "reminders to: " + string.Join(", ", reminded.Where(r => kinds[r.Token] != "reminded").CountBy(r => kinds[r.Token]).Select(k => $"{k.Value} {k.Key}")));
        WaveTestKit.AssertExactlyOnce(reminded, people.Where((p, i) => i % 5 >= 2 && i % 20 != 2).Select(p => tokens[p.PersonReference].Display));
        await AssertUnlinkableAsync(app, wave.Id);

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-close", new { after = "00:00:01" })).StatusCode);
        var closed = await kit.WaitForAsync(wave.Id, "completed");
        var summary = closed.GetProperty("run").GetProperty("summary");
        Assert.Equal(2000, summary.GetProperty("invited").GetInt32());
        Assert.Equal(1100, summary.GetProperty("reminded").GetInt32());
        Assert.Equal(800, summary.GetProperty("responded").GetInt32());
        Assert.Equal(3, summary.GetProperty("zones").GetArrayLength());
        Assert.True(closed.GetProperty("purged").GetBoolean());
        Assert.Equal(800, closed.GetProperty("run").GetProperty("progress").GetProperty("responses").GetInt32());

        // After the close and purge: tokens are unknown (as if they never existed), every response is in the
        // response store once, and no name or address is left anywhere.
        var late = await app.CreateClient().PostAsJsonAsync("/api/optout", new { token = tokens[people[3].PersonReference].Display });
        Assert.Equal(HttpStatusCode.NoContent, late.StatusCode);
        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        // Single blobs or, once a nightly refresh ran on the moved clock, compacted into segments: 800 either way.
        var stored = await new ResponseSegments(app.Services.GetRequiredService<WaveStore>(), TimeProvider.System).ReadAsync(wave.Id, default);
        Assert.Equal(800, stored.Count);
        var store = app.Services.GetRequiredService<WaveStore>();
        var rows = new List<TableRow>();
        foreach (var group in WaveStore.Groups((await store.GetAsync(wave.Id, default))!))
        {
            rows.AddRange(await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition)).ToListAsync());
        }

        // No row about a single person is left: only per-area counters, which still add up.
        Assert.Empty(rows);
        var view = await kit.GetAsync(wave.Id);
        Assert.Equal(2000, view.GetProperty("zones").EnumerateArray().Sum(z => z.GetProperty("invited").GetInt32()));
        Assert.Equal(800, view.GetProperty("zones").EnumerateArray().Sum(z => z.GetProperty("responded").GetInt32()));
        Assert.Empty(await store.Blobs.ListAllAsync(WaveStore.LettersContainer, wave.Id + "/").ToListAsync());
        if (crashes)
        {
            Assert.True(crashed >= 8, $"only {crashed} crashes were injected");
        }
    }

    /// <summary>
    /// The join an adversary who reads the storage account tries once the reminder list is fixed and the responses are
    /// released: people marked "responded", or used token rows that carry a person's attributes or a pointer to their
    /// row. Neither is there: a used token row holds its wave and "used" only, and no person's row says "responded".
    /// </summary>
    private static async Task AssertUnlinkableAsync(PipelineApplication app, string waveId)
    {
        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var store = app.Services.GetRequiredService<WaveStore>();
        var wave = (await store.GetAsync(waveId, default))!;
        Assert.True(wave.RespondedFlagsDropped);
        var flagged = 0;
        foreach (var group in WaveStore.Groups(wave))
        {
            flagged += await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition))
                .CountAsync(r => r.Properties.ContainsKey(InvitationRows.Responded));
        }

        Assert.Equal(0, flagged);
        var used = await store.Tables.QueryAllAsync(WaveStore.TokensTable, TableQuery.All.Where("Wave", TableComparison.Equal, waveId))
            .Where(r => InvitationRows.Has(r, "Used")).ToListAsync();
        Assert.Equal(800, used.Count);
        Assert.All(used, r => Assert.Equal(["Used", "Wave"], r.Properties.Keys.Order(StringComparer.Ordinal)));
    }

    /// <summary>An activity that does its work, then throws when <paramref name="crash"/> says so: its result is never kept.</summary>
    private sealed class CrashAfterWork(ITaskActivity inner, Func<bool> crash) : ITaskActivity
    {
        public Type InputType => inner.InputType;

        public Type OutputType => inner.OutputType;

        public async Task<object?> RunAsync(TaskActivityContext context, object? input)
        {
            var result = await inner.RunAsync(context, input);
            return crash() ? throw new InvalidOperationException("Injected crash after the work.") : result;
        }
    }
}
