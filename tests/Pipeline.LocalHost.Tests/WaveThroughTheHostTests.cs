using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;

namespace Pipeline.LocalHost.Tests;

/// <summary>A wave's whole run through the local host and the worker: Durable's out-of-process protocol end to end.</summary>
public sealed class WaveThroughTheHostTests(WaveThroughTheHostTests.Fixture fixture) : IClassFixture<WaveThroughTheHostTests.Fixture>
{
    public sealed class Fixture : LocalHostFixture
    {
        protected override void Configure(Dictionary<string, string?> settings) => settings["Responses:ClientPermitsPerMinute"] = "100000";
    }

    private HttpClient Operator() => OperatorApi.Client(fixture.Host.Address);

    [Fact]
    public async Task Wave_LettersReminderResponsesClosePurge_ThroughTheHostAndTheWorker()
    {
        using var http = Operator();
        var wave = SyntheticSample.Wave("lh-" + Guid.NewGuid().ToString("N")[..8], 1, ["nl"], new DateOnly(2026, 1, 5));
        var people = SyntheticSample.People(wave, 30, 5).ToList();
        await OperatorApi.StartAsync(http, wave, people);
        var again = await http.PostAsync(new Uri($"/api/waves/{wave.Id}/start", UriKind.Relative), new StringContent("""{"reminderAfter":"1.00:00:00","closeAfter":"2.00:00:00"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode); // the task hub's AlreadyExists, through the worker's gRPC client
        var waiting = await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "waiting for reminder"), "the invitations");
        Assert.Equal(30, waiting.GetProperty("run").GetProperty("progress").GetProperty("lettersIssued").GetInt32());
        // The run's history through the durable API: the worker's client streams it from the host's task-hub service.
        var history = await http.GetFromJsonAsync<JsonElement>($"/api/durable/instances/{wave.Id}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("EventType").GetInt32() == (int)DurableTask.Core.History.EventType.ExecutionStarted && e.GetProperty("Name").GetString() == "WaveOrchestrator");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("EventType").GetInt32() == (int)DurableTask.Core.History.EventType.TaskCompleted);

        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        for (var i = 0; i < 10; i++)
        {
            var token = OperatorApi.Token(wave.Id, people[i]);
            var answered = await fixture.Http.PostAsJsonAsync("/api/responses", new { token, answers = AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, new Random(i))) });
            Assert.True(answered.StatusCode == HttpStatusCode.Created, await answered.Content.ReadAsStringAsync());
        }

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-reminder", new { after = "00:00:01" })).StatusCode);
        var fieldwork = await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "fieldwork"), "the reminders");
        Assert.Equal(20, fieldwork.GetProperty("run").GetProperty("progress").GetProperty("remindersIssued").GetInt32());

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-close", new { after = "00:00:01" })).StatusCode);
        var closed = await OperatorApi.WaitForAsync(http, wave.Id, run => run.GetProperty("status").GetString() == "Completed", "the close");
        var summary = closed.GetProperty("run").GetProperty("summary");
        Assert.Equal(30, summary.GetProperty("invited").GetInt32());
        Assert.Equal(20, summary.GetProperty("reminded").GetInt32());
        Assert.Equal(10, summary.GetProperty("responded").GetInt32());
        Assert.True(closed.GetProperty("purged").GetBoolean());
    }

    [Fact]
    public async Task Wave_WorkerKilledDuringTheInvitationsAndTheReminders_EveryPersonGetsExactlyOneLetterOfEach()
    {
        using var http = Operator();
        var wave = SyntheticSample.Wave("lk-" + Guid.NewGuid().ToString("N")[..8], 1, ["nl"], new DateOnly(2026, 1, 5)) with { LettersPerBatch = 10 };
        var people = SyntheticSample.People(wave, 1200, 9).ToList();
        var expected = people.Select(p => OperatorApi.Token(wave.Id, p)).Order().ToList();
        await OperatorApi.StartAsync(http, wave, people);

        await KillMidwayAsync(http, wave.Id, "invitation");
        await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "waiting for reminder"), "the invitations after the kill");
        Assert.Equal(expected, (await TokensAsync(http, wave.Id, "invitation")).Order().ToList());

        // Nobody answered, so everyone is due a reminder: kill the worker again while they are written.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-reminder", new { after = "00:00:01" })).StatusCode);
        await KillMidwayAsync(http, wave.Id, "reminder");
        await OperatorApi.WaitForAsync(http, wave.Id, run => OperatorApi.Phase(run, "fieldwork"), "the reminders after the kill");
        Assert.Equal(expected, (await TokensAsync(http, wave.Id, "reminder")).Order().ToList());
    }

    /// <summary>Kills the worker (SIGKILL) once some, not all, of the 120 batches of <paramref name="kind"/> are written; the host starts it again.</summary>
    private async Task KillMidwayAsync(HttpClient http, string waveId, string kind)
    {
        var starts = fixture.Host.Worker.Starts;
        int written;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((written = await PdfsAsync(http, waveId, kind)) == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {kind} batch was written");
            await Task.Delay(50);
        }

        using (var worker = System.Diagnostics.Process.GetProcessById(fixture.Host.Worker.ProcessId))
        {
            worker.Kill();
        }

        Assert.InRange(written, 1, 119);
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (fixture.Host.Worker.Starts == starts)
        {
            Assert.True(DateTime.UtcNow < deadline, "the host did not start the worker again");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Demo_SyntheticWaveThroughTheApi_RunsToTheClose()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Demo:People"] = "60",
            ["Demo:ReminderAfter"] = "00:00:12",
            ["Demo:CloseAfter"] = "00:00:24",
            ["Operator:Keys:0"] = LocalHostFixture.OperatorKey,
            ["Waves:TokenSecret"] = OperatorApi.TokenSecret,
        };
        var demo = new DemoWave(fixture.Host.Address, settings, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        var id = await demo.RunAsync(default);
        using var http = Operator();
        var closed = await OperatorApi.WaitForAsync(http, id, run => run.GetProperty("status").GetString() == "Completed", "the demo's close");

        var summary = closed.GetProperty("run").GetProperty("summary");
        Assert.Equal(60, summary.GetProperty("invited").GetInt32());
        Assert.Equal(30, summary.GetProperty("responded").GetInt32());

        // Respondents whose answer came after the reminder list was fixed (a loaded machine) got a reminder too.
        Assert.InRange(summary.GetProperty("reminded").GetInt32(), 30, 60);
    }

    private static async Task<int> PdfsAsync(HttpClient http, string waveId, string kind) =>
        (await http.GetFromJsonAsync<JsonElement>($"/api/waves/{waveId}/letters")).EnumerateArray().Count(f => IsPdf(f, kind));

    private static bool IsPdf(JsonElement file, string kind) => file.GetProperty("type").GetString() == "pdf" && file.GetProperty("kind").GetString() == kind;

    /// <summary>The token on every page of every PDF of <paramref name="kind"/>, read back from the PDFs.</summary>
    private static async Task<List<string>> TokensAsync(HttpClient http, string waveId, string kind)
    {
        Pipeline.Survey.Letters.EmbeddedFonts.Install(); // also PDFsharp's license, which reading needs
        var tokens = new List<string>();
        foreach (var file in (await http.GetFromJsonAsync<JsonElement>($"/api/waves/{waveId}/letters")).EnumerateArray().Where(f => IsPdf(f, kind)))
        {
            using var pdf = new MemoryStream(await http.GetByteArrayAsync(new Uri(file.GetProperty("url").GetString()!, UriKind.Relative)));
            // A reminder's pack is the letter and the enclosed questionnaire, whose every page carries the same code: one token a pack.
            var pages = Pipeline.Tests.Shared.PdfText.Pages(pdf).Select(page => System.Text.RegularExpressions.Regex.Match(page, "[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]").Value).ToList();
            tokens.AddRange(pages.Where((token, i) => i == 0 || token != pages[i - 1]));
        }

        return tokens;
    }
}
