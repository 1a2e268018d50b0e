using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Functions.Responses;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.InProcess;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>The privacy path never stalls: close and purge happen through outages, stopped runs and unreadable responses.</summary>
public sealed class PrivacyPathTests
{
    [Fact]
    public async Task Run_PurgeFailsPastItsRetries_PausesAndTriesAgain_WaveStillPurged()
    {
        var failing = new FailingBatches(WaveCounts.AreaCountsTable, times: 7);
        await using var app = new PipelineApplication { Settings = { ["Waves:RetryPause"] = "00:00:02", ["Waves:FirstRetry"] = "00:00:00.200" } };
        app.ConfigureServices = services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(ITableStore));
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => failing.Wrap((ITableStore)inner.ImplementationFactory!(sp))));
        };
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var kit = new WaveTestKit(http);
        var wave = WaveTestKit.Wave("pz-retry-" + Guid.NewGuid().ToString("N")[..6], 1, "nl");
        Assert.Equal(HttpStatusCode.Created, (await kit.CreateAsync(wave)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 12))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await kit.StartAsync(wave.Id, """{"reminderAfter":"00:00:01","closeAfter":"00:00:02"}""")).StatusCode);

        // Past the close the purge meets a storage outage that outlasts its five quick tries: the run pauses, then tries again.
        await kit.WaitForAsync(wave.Id, "purging, retrying", TimeSpan.FromSeconds(60));
        var view = await kit.WaitForAsync(wave.Id, "completed", TimeSpan.FromSeconds(60));

        Assert.True(view.GetProperty("run").GetProperty("status").GetString() == "Completed", view.GetProperty("run").ToString());
        Assert.True(view.GetProperty("purged").GetBoolean());
        Assert.Equal(7, failing.Failed);
    }

    [Fact]
    public async Task StoppedRun_CloseAndPurgeRoutesFinishTheWave_GenericDurableApiRefusesWaves()
    {
        await using var app = new PipelineApplication();
        var wave = await FieldworkWave.StartAsync(app, people: 6);
        var operatorClient = app.CreateClient();
        operatorClient.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var id = wave.Definition.Id;

        // The attack: stop the wave's run through the generic API, so that it never closes or purges.
        foreach (var (method, path) in new[] { ("POST", $"/api/durable/instances/{id}/terminate"), ("POST", $"/api/durable/instances/{id}/events/cancel"), ("DELETE", $"/api/durable/instances/{id}") })
        {
            var refused = await operatorClient.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("/close or /purge", await WaveTestKit.ProblemAsync(refused), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Conflict, (await operatorClient.PostAsync(new Uri($"/api/waves/{id}/close", UriKind.Relative), null)).StatusCode);

        // A run that stopped anyway (failed, or terminated by someone with the engine's own tools).
        await app.Services.GetRequiredService<HubClient>().TerminateInstanceAsync(id, (object)"test");
        await WaitAsync(async () => (await app.Services.GetRequiredService<HubClient>().GetInstanceAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Terminated);
        Assert.Equal(HttpStatusCode.Created, (await app.CreateClient().PostAsJsonAsync("/api/responses", new { token = wave.Tokens[0], answers = wave.Answers(0) })).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await operatorClient.PostAsync(new Uri($"/api/waves/{id}/purge", UriKind.Relative), null)).StatusCode);
        var closed = await operatorClient.PostAsync(new Uri($"/api/waves/{id}/close", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        Assert.Equal(1, (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("responded").GetInt32());
        Assert.Equal(HttpStatusCode.Gone, (await app.CreateClient().PostAsJsonAsync("/api/responses", new { token = wave.Tokens[1], answers = wave.Answers(1) })).StatusCode);

        var purged = await operatorClient.PostAsync(new Uri($"/api/waves/{id}/purge", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, purged.StatusCode);
        Assert.Equal(6, (await purged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("peopleRowsDeleted").GetInt32());
        Assert.True((await new WaveTestKit(operatorClient).GetAsync(id)).GetProperty("purged").GetBoolean());
        Assert.Single(await wave.ResponsesAsync());
    }

    [Fact]
    public async Task Release_SealedResponseMovedToAnotherTokenOrTruncated_DoesNotOpen_LeftWaiting_OthersReleased()
    {
        await using var app = new PipelineApplication { Settings = { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00" } };
        var wave = await FieldworkWave.StartAsync(app, people: 6);
        var intake = app.Services.GetRequiredService<ResponseIntake>();
        for (var i = 0; i < 4; i++)
        {
            var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(wave.Questionnaire, new Random(i));
            Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(new Submission(wave.Tokens[i], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);
        }

        var tokens = app.Services.GetRequiredService<TokenDirectory>();
        var tables = app.Services.GetRequiredService<ITableStore>();
        var rows = new List<TableRow>();
        for (var i = 0; i < 4; i++)
        {
            rows.Add((await tokens.OpenAsync(wave.Tokens[i], default)).Row!);
        }

        // The attacks: token 1's row gets token 0's sealed response (to count it twice, or under other attributes);
        // token 2's sealed value is cut short (a storage fault, a bad restore).
        await tables.ReplaceAsync(WaveStore.TokensTable, rows[1] with { Properties = new Dictionary<string, object>(rows[1].Properties) { ["Sealed"] = rows[0].Get<byte[]>("Sealed")! } }, rows[1].ETag!);
        await tables.ReplaceAsync(WaveStore.TokensTable, rows[2] with { Properties = new Dictionary<string, object>(rows[2].Properties) { ["Sealed"] = rows[2].Get<byte[]>("Sealed")![..20] } }, rows[2].ETag!);

        var released = await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);

        Assert.Equal(2, released);
        Assert.Equal(2, (await wave.ResponsesAsync()).Count);
        foreach (var i in new[] { 1, 2 })
        {
            // Left as it is, for a host that can open it (never for the moved copy: it is bound to token 0's row).
            Assert.True(InvitationRows.Has((await tokens.OpenAsync(wave.Tokens[i], default)).Row!, ResponseStore.PendingColumn));
        }

        Assert.Equal(0, await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default));
    }

    [Fact]
    public async Task InvitationBatch_RunAgainAfterASubmission_TheResponseIsKept()
    {
        await using var app = new PipelineApplication { Settings = { ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00" } };
        var wave = await FieldworkWave.StartAsync(app, people: 6);
        var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(wave.Questionnaire, new Random(1));
        Assert.Equal(IntakeStatus.Stored, (await app.Services.GetRequiredService<ResponseIntake>().SubmitAsync(new Submission(wave.Tokens[0], null, null, answers, ResponseRecord.Web) { LimitPerToken = false }, default)).Status);

        // A duplicate run of every invitation batch (a lease ran out while the first one worked), after the submission.
        var context = new ActivityCall("x", wave.Definition.Id);
        var jobs = await ActivatorUtilities.CreateInstance<PlanInvitationsActivity>(app.Services).RunAsync(context, wave.Definition.Id);
        foreach (var job in jobs)
        {
            await ActivatorUtilities.CreateInstance<IssueLettersActivity>(app.Services).RunAsync(context, job);
        }

        Assert.Equal(TokenState.Used, (await app.Services.GetRequiredService<TokenDirectory>().OpenAsync(wave.Tokens[0], default)).State);
        Assert.Equal(1, await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default));
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 200 && !await done(); i++)
        {
            await Task.Delay(50);
        }
    }

    /// <summary>Fails the first <paramref name="times"/> batches written to one table, as a storage outage would.</summary>
    private sealed class FailingBatches(string table, int times)
    {
        private int _failed;

        public int Failed => Math.Min(Volatile.Read(ref _failed), times);

        private bool Fails(string written) => written == table && Interlocked.Increment(ref _failed) <= times;

        public ITableStore Wrap(ITableStore inner) => new Tables(inner, this);

        private sealed class Tables(ITableStore inner, FailingBatches plan) : InterceptedTables(inner)
        {
            protected override Task<T> WriteAsync<T>(string table, TableBatch? batch, Func<Task<T>> call) =>
                batch is not null && plan.Fails(table)
                    ? throw new StoreException($"Batch in table '{table}': storage answered ServerBusy (HTTP 503).") { StatusCode = 503 }
                    : call();
        }
    }
}
