using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>Aggregates recomputed from response blobs: through the trigger, suppressed where too few, exported as CSV.</summary>
[Collection(ReleasesOnAzurite.Name)]
public sealed class AggregatesTests
{
    [Fact]
    public async Task Trigger_AfterARelease_ZoneFiguresPublished_SmallNeighbourhoodsSuppressed_CsvExport()
    {
        await using var app = new PipelineApplication
        {
            // A recompute woken while the release still writes may publish part of the 120 (its request row comes before the
            // blobs, by design); with the default MinimumChange the last few would then rightly be held back.
            Settings = { ["Responses:ClientPermitsPerMinute"] = "100000", ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100", ["Aggregates:CoalesceWindow"] = "00:00:00", ["Aggregates:MinimumChange"] = "1" },
        };
        var wave = await FieldworkWave.StartAsync(app, people: 130);
        var http = app.CreateClient();
        for (var i = 0; i < 120; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[i], answers = wave.Answers(i) })).StatusCode);
        }

        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var operatorClient = app.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var zoneId = wave.Definition.Zones[0].Id;
        var url = $"/api/waves/{wave.Definition.Id}/aggregates?level=zone&area={zoneId}";
        var zone = await PollAsync(operatorClient, url, TimeSpan.FromSeconds(5), z => z.GetProperty("responses").GetInt32() == 120);

        Assert.Equal(120, zone.GetProperty("responses").GetInt32());
        Assert.Equal(130, zone.GetProperty("invited").GetInt32());
        Assert.Equal("Published", zone.GetProperty("publication").GetString());
        Assert.True(zone.GetProperty("weighting").GetProperty("converged").GetBoolean());
        var guarantee = zone.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("id").GetString() == "participatie_politie_garandeert");
        Assert.Equal(guarantee.GetProperty("base").GetInt32(), guarantee.GetProperty("options").EnumerateArray().Sum(o => o.GetProperty("count").GetInt32()));
        Assert.Contains("don't know", zone.GetProperty("baseNote").GetString(), StringComparison.Ordinal);

        var list = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Definition.Id}/aggregates");
        var neighbourhood = list.EnumerateArray().First(a => a.GetProperty("level").GetString() == "neighbourhood").GetProperty("area").GetString()!;
        var small = await operatorClient.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Definition.Id}/aggregates?level=neighbourhood&area={Uri.EscapeDataString(neighbourhood)}");
        Assert.Equal("Suppressed", small.GetProperty("publication").GetString());
        Assert.Empty(small.GetProperty("questions").EnumerateArray());
        foreach (var hidden in new[] { "responseRate", "responses", "invited", "weighting", "responsesPerDay" })
        {
            Assert.Equal(JsonValueKind.Null, small.GetProperty(hidden).ValueKind);
        }

        Assert.Equal(30, small.GetProperty("responsesBelow").GetInt32());
        var smallCsv = await operatorClient.GetStringAsync(new Uri($"/api/waves/{wave.Definition.Id}/aggregates?level=neighbourhood&area={Uri.EscapeDataString(neighbourhood)}&format=csv", UriKind.Relative));
        Assert.Single(smallCsv.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var csv = await operatorClient.GetStringAsync(new Uri(url + "&format=csv", UriKind.Relative));
        Assert.StartsWith(string.Join(";", AggregatesApi.AggregateColumns), csv, StringComparison.Ordinal);
        Assert.Contains(";participatie_politie_garandeert;", csv, StringComparison.Ordinal);
        var bad = await operatorClient.GetAsync(new Uri($"/api/waves/{wave.Definition.Id}/aggregates?level=street&area=x", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Recompute_SameZoneInAnEarlierWave_TrendAgainstThePreviousWave()
    {
        await using var app = new PipelineApplication { Settings = { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00" } };
        var before = await FieldworkWave.StartAsync(app, people: 100, w => w with { InvitationDate = new DateOnly(2024, 3, 4) });
        var now = await FieldworkWave.StartAsync(app, people: 100);
        var intake = app.Services.GetRequiredService<ResponseIntake>();
        async Task AnswerAsync(FieldworkWave wave, string guarantee)
        {
            for (var i = 0; i < 100; i++)
            {
                var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(wave.Questionnaire, new Random(i));
                answers["participatie_politie_garandeert"] = [i < 90 ? guarantee : "3"];
                Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[i], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
            }
        }

        await AnswerAsync(before, "1");
        await AnswerAsync(now, "5");
        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var aggregates = app.Services.GetRequiredService<AggregateService>();
        await aggregates.RecomputeAsync(before.Definition.Id, default);
        await aggregates.RecomputeAsync(now.Definition.Id, default);

        var zone = JsonDocument.Parse((await aggregates.ReadAsync(now.Definition.Id, AggregateBuilder.Zone, now.Definition.Zones[0].Id, default))!).RootElement;
        var first = JsonDocument.Parse((await aggregates.ReadAsync(before.Definition.Id, AggregateBuilder.Zone, before.Definition.Zones[0].Id, default))!).RootElement;
        JsonElement Guarantee(JsonElement aggregate) => aggregate.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("id").GetString() == "participatie_politie_garandeert");

        Assert.Equal(before.Definition.Id, zone.GetProperty("previousWave").GetString());
        Assert.Equal("Higher", Guarantee(zone).GetProperty("top2AgainstPreviousWave").GetString());
        Assert.Equal(JsonValueKind.Null, first.GetProperty("previousWave").ValueKind);
        Assert.Equal(JsonValueKind.Null, Guarantee(first).GetProperty("top2AgainstPreviousWave").ValueKind);
    }

    [Fact]
    public async Task Recompute_SampleSpellsAreasInOtherCaseFormOrSpaces_ChildrenSumToTheirParentAtEveryLevel()
    {
        await using var app = new PipelineApplication { Settings = { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00", ["Aggregates:MinimumRespondents"] = "1" } };
        static string Respell(string name, int i) => (i % 4) switch
        {
            0 => name.ToUpperInvariant(),
            1 => "  " + name.ToLowerInvariant() + " ",
            2 => name.Normalize(System.Text.NormalizationForm.FormD),
            _ => name,
        };
        var wave = await FieldworkWave.StartAsync(
            app,
            people: 90,
            w => w with { Zones = [w.Zones[0] with { Municipalities = [.. w.Zones[0].Municipalities.Select((m, k) => m with { Name = $"Sint-Éloi {k}" })] }] },
            (p, i) => p with { Municipality = Respell(p.Municipality, i), Neighbourhood = Respell(p.Neighbourhood, i / 4) });
        var intake = app.Services.GetRequiredService<ResponseIntake>();
        for (var i = 0; i < 60; i++)
        {
            var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(wave.Questionnaire, new Random(i));
            Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[i], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
        }

        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        var aggregates = app.Services.GetRequiredService<AggregateService>();
        await aggregates.RecomputeAsync(wave.Definition.Id, default);

        var areas = new List<JsonElement>();
        foreach (var (level, area) in await aggregates.ListAsync(wave.Definition.Id, default))
        {
            areas.Add(JsonDocument.Parse((await aggregates.ReadAsync(wave.Definition.Id, level, area, default))!).RootElement);
        }

        Assert.Equal(90, areas.Single(a => a.GetProperty("level").GetString() == AggregateBuilder.Wave).GetProperty("invited").GetInt32());
        foreach (var parent in areas.Where(a => a.GetProperty("level").GetString() != AggregateBuilder.Neighbourhood))
        {
            var children = areas.Where(a => a.GetProperty("parent").GetString() == parent.GetProperty("area").GetString()).ToList();
            Assert.NotEmpty(children);
            foreach (var count in new[] { "responses", "invited" })
            {
                Assert.True(
                    parent.GetProperty(count).GetInt32() == children.Sum(c => c.GetProperty(count).GetInt32()),
                    $"{parent.GetProperty("level")} {parent.GetProperty("area")}: {count} {parent.GetProperty(count)}, its children's sum {children.Sum(c => c.GetProperty(count).GetInt32())}");
            }
        }
    }

    [Fact]
    public async Task Trigger_RequestLeftWhileTheHostWasDown_TakenWhenAHostStarts()
    {
        var connection = await TestAzurite.ConnectionStringAsync();
        FieldworkWave wave;
        await using (var down = new PipelineApplication { InMemoryStorage = false })
        {
            down.Settings["AzureWebJobsStorage"] = connection;
            down.Settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00";
            wave = await FieldworkWave.StartAsync(down, people: 6);
            var http = down.CreateClient();
            for (var i = 0; i < 4; i++)
            {
                Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[i], answers = wave.Answers(i) })).StatusCode);
            }

            await down.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
            Assert.Null(await down.Services.GetRequiredService<AggregateService>().ReadAsync(wave.Definition.Id, AggregateBuilder.Zone, wave.Definition.Zones[0].Id, default));
        }

        await using var up = new PipelineApplication { InMemoryStorage = false };
        up.Settings["AzureWebJobsStorage"] = connection;
        up.Settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100";
        up.Settings["Aggregates:MinimumRespondents"] = "1";
        var client = up.CreateClient();
        client.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);

        var zone = await PollAsync(client, $"/api/waves/{wave.Definition.Id}/aggregates?level=zone&area={wave.Definition.Zones[0].Id}", TimeSpan.FromSeconds(10));

        Assert.Equal(4, zone.GetProperty("responses").GetInt32());
    }

    [Fact]
    public async Task Recompute_FewNewResponses_PublicationsDoNotDiffer_SubtractionGivesNobodysAnswers()
    {
        await using var app = new PipelineApplication { Settings = { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00" } };
        var wave = await FieldworkWave.StartAsync(app, people: 80);
        var intake = app.Services.GetRequiredService<ResponseIntake>();
        var aggregates = app.Services.GetRequiredService<AggregateService>();
        var next = 0;
        async Task<JsonElement> PublishAfterAsync(int responses)
        {
            for (var i = 0; i < responses; i++, next++)
            {
                var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(wave.Questionnaire, new Random(next));
                Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[next], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
            }

            await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
            await aggregates.RecomputeAsync(wave.Definition.Id, default);
            return JsonDocument.Parse((await aggregates.ReadAsync(wave.Definition.Id, AggregateBuilder.Zone, wave.Definition.Zones[0].Id, default))!).RootElement;
        }

        // The attacker polls every hour and subtracts two publications' option counts.
        static Dictionary<string, int> Counts(JsonElement zone) => zone.GetProperty("questions").EnumerateArray()
            .Where(q => q.GetProperty("options").ValueKind == JsonValueKind.Array)
            .SelectMany(q => q.GetProperty("options").EnumerateArray().Select(o => (Key: q.GetProperty("id").GetString() + "=" + o.GetProperty("code").GetString(), Count: o.GetProperty("count").GetInt32())))
            .ToDictionary(p => p.Key, p => p.Count);

        var first = await PublishAfterAsync(40);
        var second = await PublishAfterAsync(3);
        var third = await PublishAfterAsync(7);

        Assert.Equal(40, first.GetProperty("responses").GetInt32());
        Assert.Equal(40, second.GetProperty("responses").GetInt32());
        Assert.Equal(Counts(first), Counts(second));
        Assert.Equal(50, third.GetProperty("responses").GetInt32());
        Assert.NotEqual(Counts(first), Counts(third));
    }

    [Fact]
    public void AggregateCsv_AreaNamesAndOptionCodesASpreadsheetWouldRun_EscapedAsText()
    {
        var share = new Pipeline.Survey.Statistics.Share(0.5, 0.4, 0.6);
        var question = new QuestionAggregate("local_q", Pipeline.Survey.Statistics.Publication.Published, 40, 40, 0, 38.5,
            [new OptionAggregate("-1+2", 20, 50, share, share), new OptionAggregate("@SUM(A1)", 20, 50, share, share)], null, null, null, null, null);
        var area = new AreaAggregate("w", AggregateBuilder.Zone, "=HYPERLINK(\"http://evil.example/x\",\"Klik hier\")", "z", DateTimeOffset.UnixEpoch, 40, 80, share,
            Pipeline.Survey.Statistics.Publication.Published, null, [question]);

        var csv = System.Text.Encoding.UTF8.GetString(AggregatesApi.AggregateCsv(area));

        using var reader = CsvHelper.CsvReader.Create(new StringReader(csv), new CsvHelper.CsvReaderOptions { Separator = ';', HasHeader = true });
        var codes = new List<string>();
        while (reader.Read())
        {
            Assert.Equal("'" + area.Area, reader.GetString("area"));
            codes.Add(reader.GetString("option"));
        }

        Assert.Equal(["'-1+2", "'@SUM(A1)"], codes);
    }

    /// <summary>The aggregate at <paramref name="url"/> once it exists (and <paramref name="done"/> holds); the last one read at the deadline.</summary>
    private static async Task<JsonElement> PollAsync(HttpClient http, string url, TimeSpan within, Func<JsonElement, bool>? done = null)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var response = await http.GetAsync(new Uri(url, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var aggregate = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (done is null || done(aggregate) || DateTime.UtcNow >= deadline)
                {
                    return aggregate;
                }

                await Task.Delay(100);
                continue;
            }

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.True(DateTime.UtcNow < deadline, $"No aggregate at {url} within {within.TotalSeconds} s.");
            await Task.Delay(100);
        }
    }
}
