using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Invariant 3 on Azurite, with the process dying at each storage write of a submission and of its release,
/// before and after the write: afterwards the token is either unused with no response, or used with exactly one;
/// and every response blob reaches the aggregates, also when the process died right after writing it.
/// </summary>
[Collection(ReleasesOnAzurite.Name)]
public sealed class ResponseCrashTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new() { InMemoryStorage = false };
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync()
    {
        _app.Settings["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync();
        _app.Settings["Responses:ReleaseSchedule"] = "0 0 0 1 1 *";
        _app.Settings["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:10:00";
        _app.Settings["Aggregates:CoalesceWindow"] = "00:00:00";
        _app.Settings["Aggregates:MinimumRespondents"] = "1";
        _app.Settings["Aggregates:MinimumChange"] = "1";
        _wave = await FieldworkWave.StartAsync(_app, people: 60);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Crash_AtEveryWriteOfSubmitAndRelease_NeverTwoResponses_NeverAUsedTokenWithoutOne()
    {
        var services = _app.Services;
        var crashing = new CrashingStorage(services.GetRequiredService<ITableStore>(), services.GetRequiredService<IBlobStore>());
        var (intake, release) = Build(new WaveStore(crashing.Tables, crashing.Blobs));
        var (cleanIntake, cleanRelease) = Build(services.GetRequiredService<WaveStore>());
        var tokens = services.GetRequiredService<TokenDirectory>();

        // One clean run counts the writes: the submission's token row, then the release's mark, aggregate
        // request, response blob, aggregate request again and token row.
        crashing.CrashAt = 0;
        await SubmitAndReleaseAsync(intake, release, _wave.NextToken());
        var writes = crashing.Writes;
        Assert.Equal(6, writes);

        var tried = 1;
        for (var step = 1; step <= writes; step++)
        {
            foreach (var after in new[] { false, true })
            {
                var token = _wave.NextToken();
                tried++;
                crashing.CrashAt = crashing.Writes + step;
                crashing.After = after;
                await Assert.ThrowsAsync<SimulatedCrash>(() => SubmitAndReleaseAsync(intake, release, token));

                // The host comes back: the next release runs, and the respondent tries again.
                await cleanRelease.ReleaseAsync(default);
                var used = (await tokens.OpenAsync(token, default)).State == TokenState.Used;
                Assert.True(used == (step > 1 || after), $"step {step}, after {after}: token used = {used}");
                var again = await cleanIntake.SubmitAsync(Submission(token), default);
                Assert.Equal(used ? IntakeStatus.TokenRefused : IntakeStatus.Stored, again.Status);
                await cleanRelease.ReleaseAsync(default);
                Assert.Equal(tried, (await _wave.ResponsesAsync()).Count);
            }
        }

        var aggregates = services.GetRequiredService<AggregateService>();
        await aggregates.ProcessRequestsAsync(default);
        var zone = JsonDocument.Parse((await aggregates.ReadAsync(_wave.Definition.Id, AggregateBuilder.Zone, _wave.Definition.Zones[0].Id, default))!).RootElement;
        Assert.Equal(tried, zone.GetProperty("responses").GetInt32());

        var responded = await CountRespondedAsync(services.GetRequiredService<WaveStore>());
        Assert.Equal(tried, responded);
    }

    [Fact]
    public async Task Release_AggregateTriggerInterleavedAtEveryWrite_AggregatesCountEveryStoredResponse()
    {
        var services = _app.Services;
        var crashing = new CrashingStorage(services.GetRequiredService<ITableStore>(), services.GetRequiredService<IBlobStore>());
        var (_, release) = Build(new WaveStore(crashing.Tables, crashing.Blobs));
        var (intake, _) = Build(services.GetRequiredService<WaveStore>());
        var aggregates = services.GetRequiredService<AggregateService>();
        async Task SubmitTwoAsync()
        {
            foreach (var token in new[] { _wave.NextToken(), _wave.NextToken() })
            {
                Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(Submission(token), default)).Status);
            }
        }

        // A clean release of two counts its writes: two marks, the request, two blobs, the request again, two token rows.
        await SubmitTwoAsync();
        await release.ReleaseAsync(default);
        var writes = crashing.Writes;
        Assert.Equal(8, writes);

        for (var step = 1; step <= writes; step++)
        {
            await SubmitTwoAsync();
            crashing.InterleaveAt = crashing.Writes + step;
            crashing.Interleave = () => aggregates.ProcessRequestsAsync(default);
            await release.ReleaseAsync(default);

            // The trigger's next polls after the release (other hosts on the shared Azurite may release too): within a
            // few polls the wave's figures count every stored response. Without a request left, no poll ever does.
            var (stored, counted) = (0, 0);
            for (var poll = 0; poll < 60 && (poll == 0 || counted != stored); poll++)
            {
                await aggregates.ProcessRequestsAsync(default);
                stored = (await _wave.ResponsesAsync()).Count;
                var wave = JsonDocument.Parse((await aggregates.ReadAsync(_wave.Definition.Id, AggregateBuilder.Wave, _wave.Definition.Id, default))!).RootElement;
                counted = wave.GetProperty("responses") is { ValueKind: JsonValueKind.Number } n ? n.GetInt32() : 0;
                await Task.Delay(poll == 0 ? 0 : 100);
            }

            Assert.True(stored == counted, $"trigger before write {step}: {counted} of {stored} responses counted");
        }
    }

    [Fact]
    public async Task Release_WritesResponsesAndClearsTokenRowsInUnrelatedOrders()
    {
        var services = _app.Services;
        var recording = new CrashingStorage(services.GetRequiredService<ITableStore>(), services.GetRequiredService<IBlobStore>());
        var (intake, release) = Build(new WaveStore(recording.Tables, recording.Blobs));
        await release.ReleaseAsync(default);
        var tokens = Enumerable.Range(0, 24).Select(_ => _wave.NextToken()).ToList();
        foreach (var token in tokens)
        {
            Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(Submission(token), default)).Status);
        }

        // The test holds the keys, so it can pair each token row with its response's random name.
        var directory = services.GetRequiredService<TokenDirectory>();
        var responses = services.GetRequiredService<ResponseStore>();
        var blobOf = new Dictionary<string, string>();
        foreach (var token in tokens)
        {
            var row = (await directory.OpenAsync(token, default)).Row!;
            blobOf[row.RowKey] = responses.TryOpenPending(row)!.BlobName;
        }

        while (recording.Log.TryDequeue(out _))
        {
        }

        await release.ReleaseAsync(default);

        var log = recording.Log.ToList();
        var puts = log.Where(l => l.StartsWith(ResponseRelease.Container + " ", StringComparison.Ordinal)).ToList();
        var clears = log.Where(l => l.StartsWith(WaveStore.TokensTable + " ", StringComparison.Ordinal)).Select(l => l.Split(' ')[1]).ToList();
        Assert.Equal(24, puts.Count);
        Assert.Equal(24, clears.Count);
        var putRank = blobOf.Keys.ToDictionary(k => k, k => puts.FindIndex(p => p.Contains(blobOf[k], StringComparison.Ordinal)));
        var clearRank = blobOf.Keys.ToDictionary(k => k, k => clears.IndexOf(k));
        var rho = Spearman([.. blobOf.Keys.Select(k => (double)putRank[k])], [.. blobOf.Keys.Select(k => (double)clearRank[k])]);
        Assert.InRange(Math.Abs(rho), 0, 0.8);
    }

    private static double Spearman(double[] a, double[] b)
    {
        var n = a.Length;
        var d2 = a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();
        return 1 - (6 * d2 / (n * ((double)n * n - 1)));
    }

    private (ResponseIntake Intake, ResponseRelease Release) Build(WaveStore store)
    {
        var services = _app.Services;
        var options = services.GetRequiredService<IOptions<WaveOptions>>();
        var tokens = new TokenDirectory(store, options, services.GetRequiredService<TokenGuesses>(), TimeProvider.System);
        var responses = new ResponseStore(store, options, TimeProvider.System);
        var release = new ResponseRelease(store, responses, new InvitationStore(store, tokens, new WaveCounts(store, services.GetRequiredService<IResponseCounts>())), new RecomputeRequests(store, services.GetRequiredService<IQueueStore>(), TimeProvider.System), NullLogger<ResponseRelease>.Instance);
        return (new ResponseIntake(tokens, responses, services.GetRequiredService<TokenRateLimiter>()), release);
    }

    private Submission Submission(string token) =>
        new(token, null, null, SyntheticAnswers.Complete(_wave.Questionnaire, new Random(token.GetHashCode(StringComparison.Ordinal))), ResponseRecord.Web);

    private async Task SubmitAndReleaseAsync(ResponseIntake intake, ResponseRelease release, string token)
    {
        Assert.Equal(IntakeStatus.Stored, (await intake.SubmitAsync(Submission(token), default)).Status);
        await release.ReleaseAsync(default);
    }

    private async Task<int> CountRespondedAsync(WaveStore store)
    {
        var record = (await store.GetAsync(_wave.Definition.Id, default))!;
        var count = 0;
        foreach (var group in WaveStore.Groups(record))
        {
            count += await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition))
                .CountAsync(r => InvitationRows.Has(r, InvitationRows.Responded));
        }

        return count;
    }
}
