using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// A wave whose worker process is killed with SIGKILL mid-invitations and again mid-reminders, on Azurite:
/// every person still gets exactly one letter of each kind they are due, and nobody is missing.
/// </summary>
public sealed class WaveKillTests
{
    private const string Secret = "benchmark-token-secret-0123456789abcdef";

    [Fact]
    public async Task Wave_WorkerKilledMidInvitationsAndMidReminders_OneLetterPerPersonAndKind()
    {
        var connection = await TestAzurite.ConnectionStringAsync();
        var hub = "kill" + Guid.NewGuid().ToString("N")[..8];
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings["AzureWebJobsStorage"] = connection;
        app.Settings[PipelineApplication.HubSetting + "hubName"] = hub;
        app.Settings["DurableTask:RunWorker"] = "false";
        app.Settings["Waves:TokenSecret"] = Secret;
        app.Settings["Waves:TokenHashKey"] = "benchmark-token-hash-key-0123456789abcdef";
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var kit = new WaveTestKit(http);

        var wave = WaveTestKit.Wave("kill-" + Guid.NewGuid().ToString("N")[..8], 3, "nl", "fr") with { LettersPerBatch = 50 };
        var people = SyntheticSample.People(wave, 2000, seed: 5).ToList();
        await kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.OK, (await kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 2000, seed: 5))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await kit.StartAsync(wave.Id, """{"reminderAfter":"01:00:00","closeAfter":"02:00:00"}""")).StatusCode);

        var worker = WorkerProcess.Start(connection, hub, "--activity-slots", "4");
        try
        {
            worker = await KillMidwayAsync(kit, wave.Id, "invitation", "inviting", worker, connection, hub);
            await kit.WaitForAsync(wave.Id, "waiting for reminder", TimeSpan.FromSeconds(150));
            var secret = app.Services.GetRequiredService<IOptions<WaveOptions>>().Value.WaveSecret(wave.Id);
            var tokens = people.Select(p => AccessToken.Derive(secret, wave.Id, p.PersonReference).Display).ToList();
            AssertLetters(await ManifestRowsAsync(kit, wave.Id, "invitation"), 2000);

            var invitations = app.Services.GetRequiredService<InvitationStore>();
            for (var i = 0; i < people.Count; i += 5)
            {
                Assert.Equal(TokenState.Open, (await invitations.MarkAsync(tokens[i], InvitationRows.Responded, default)).State);
                Assert.Equal(TokenState.Open, (await invitations.MarkAsync(tokens[i + 1], InvitationRows.Responded, default)).State);
            }

            var reschedule = await http.PostAsJsonAsync($"/api/waves/{wave.Id}/events/reschedule-reminder", new { after = "00:00:01" });
            Assert.Equal(HttpStatusCode.Accepted, reschedule.StatusCode);
            worker = await KillMidwayAsync(kit, wave.Id, "reminder", "reminding", worker, connection, hub);
            await kit.WaitForAsync(wave.Id, "fieldwork", TimeSpan.FromSeconds(150));
            AssertLetters(await ManifestRowsAsync(kit, wave.Id, "reminder"), 1200);
        }
        finally
        {
            worker.Kill();
        }
    }

    /// <summary>Waits until the first letters of <paramref name="kind"/> exist while the wave is still <paramref name="phase"/>, kills the worker, starts another.</summary>
    private static async Task<Process> KillMidwayAsync(WaveTestKit kit, string waveId, string kind, string phase, Process worker, string connection, string hub)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while ((await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{waveId}/letters")).EnumerateArray().All(f => f.GetProperty("kind").GetString() != kind))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {kind} letters within 90 s");
            await Task.Delay(50);
        }

        var progress = (await kit.GetAsync(waveId)).GetProperty("run").GetProperty("progress").GetProperty("phase").GetString();
        worker.Kill(); // SIGKILL: its leases run out (5 s) and the next worker takes the work over.
        await worker.WaitForExitAsync();
        Assert.Equal(phase, progress);
        return WorkerProcess.Start(connection, hub, "--activity-slots", "4");
    }

    /// <summary>The (zone, language, sequence) of every letter in the manifests of one kind.</summary>
    private static async Task<List<string>> ManifestRowsAsync(WaveTestKit kit, string waveId, string kind)
    {
        var rows = new List<string>();
        foreach (var file in (await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{waveId}/letters")).EnumerateArray()
            .Where(f => f.GetProperty("kind").GetString() == kind && f.GetProperty("type").GetString() == "csv"))
        {
            var text = await kit.Http.GetStringAsync(new Uri(file.GetProperty("url").GetString()!, UriKind.Relative));
            rows.AddRange(text.TrimStart('\uFEFF').Split(["\r\n", "\n"], StringSplitOptions.RemoveEmptyEntries).Skip(1)
                .Select(line => $"{file.GetProperty("zone").GetString()}/{file.GetProperty("language").GetString()}/{line.Split(';')[0]}"));
        }

        return rows;
    }

    private static void AssertLetters(List<string> letters, int expected)
    {
        var twice = letters.GroupBy(l => l).Count(g => g.Count() > 1);
        Assert.True(twice == 0, $"{twice} people have two letters of one kind");
        Assert.Equal(expected, letters.Count);
    }
}
