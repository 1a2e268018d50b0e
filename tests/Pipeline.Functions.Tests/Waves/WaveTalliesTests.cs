using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>The running tallies of a wave give the progress that a scan of its people's rows gives, and go with the purge.</summary>
public sealed class WaveTalliesTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Progress_FromTheTallies_EqualsTheScan_InvitedAndOptedOutPerZone_GoneWithThePurge()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 30);
        var http = _app.CreateClient();
        foreach (var token in new[] { wave.NextToken(), wave.NextToken(), wave.NextToken() })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/optout", new { token })).StatusCode);
        }

        // An opt-out sent twice (a retry) counts once.
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsJsonAsync("/api/optout", new { token = wave.Tokens[0] })).StatusCode);
        var store = _app.Services.GetRequiredService<WaveStore>();
        var counts = _app.Services.GetRequiredService<WaveCounts>();
        var record = (await store.GetAsync(wave.Definition.Id, default))!;

        var progress = await counts.ProgressAsync(record, default);
        var tallied = progress.Zones;
        var (scanned, _) = await counts.ByZoneAsync(record, default);

        Assert.Equal(scanned, tallied);
        var perMunicipality = (await counts.InvitationsAsync(record, default)).Areas
            .GroupBy(a => (a.Key.Zone, a.Key.Municipality))
            .Select(g => (g.Key.Zone, g.Key.Municipality, g.Sum(a => a.Value.Invited), g.Sum(a => a.Value.OptedOut)))
            .Order();
        Assert.Equal(perMunicipality, progress.Municipalities.Select(m => (m.Zone, m.Municipality, m.Invited, m.OptedOut)).Order());
        Assert.Equal(30, tallied.Sum(z => z.Invited));
        Assert.Equal(3, tallied.Sum(z => z.OptedOut));

        await WaveLifecycle.UpdateAsync(store, wave.Definition.Id, w => w with { Phase = WavePhase.Closed }, default);
        await _app.Services.GetRequiredService<WaveEnding>().PurgeAsync(wave.Definition.Id, default);
        Assert.Empty(await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(WaveCounts.TalliesTable, TableQuery.InPartition(wave.Definition.Id)).ToListAsync());
        Assert.Equal(scanned.Select(z => (z.Zone, z.Invited, z.OptedOut)), (await counts.ProgressAsync((await store.GetAsync(wave.Definition.Id, default))!, default)).Zones.Select(z => (z.Zone, z.Invited, z.OptedOut)));
    }

    /// <summary>
    /// The process dies at each write of an opt-out or a returned letter (the row's mark, the tally), before or after it
    /// reaches storage, and the person (or the mail room) sends it again: the progress still equals the scan, and counts it once.
    /// </summary>
    [Theory]
    [InlineData(InvitationRows.OptedOut)]
    [InlineData(InvitationRows.Returned)]
    public async Task Mark_CrashAtEachWrite_ThenSentAgain_TalliesEqualTheScan(string flag)
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 12);
        var services = _app.Services;
        var crashing = new CrashingStorage(services.GetRequiredService<ITableStore>(), services.GetRequiredService<IBlobStore>());
        var store = new WaveStore(crashing.Tables, crashing.Blobs);
        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<WaveOptions>>();
        var dying = new InvitationStore(store, new TokenDirectory(store, options, services.GetRequiredService<TokenGuesses>(), TimeProvider.System), new WaveCounts(store, services.GetRequiredService<IResponseCounts>()));
        var clean = services.GetRequiredService<InvitationStore>();
        var counts = services.GetRequiredService<WaveCounts>();
        Task Mark(InvitationStore invitations, string token) => flag == InvitationRows.Returned
            ? invitations.ReturnAsync(wave.Definition.Id, token, default)
            : invitations.MarkAsync(token, flag, default);
        int Counted(IReadOnlyList<ZoneSummary> zones) => flag == InvitationRows.Returned ? zones.Sum(z => z.Returned) : zones.Sum(z => z.OptedOut);

        crashing.CrashAt = 0;
        await Mark(dying, wave.NextToken());
        var writes = crashing.Writes;
        Assert.Equal(2, writes);

        var marked = 1;
        for (var step = 1; step <= writes; step++)
        {
            foreach (var after in new[] { false, true })
            {
                var token = wave.NextToken();
                crashing.CrashAt = crashing.Writes + step;
                crashing.After = after;
                await Assert.ThrowsAsync<SimulatedCrash>(() => Mark(dying, token));

                await Mark(clean, token);
                marked++;
                var record = (await services.GetRequiredService<WaveStore>().GetAsync(wave.Definition.Id, default))!;
                var (scanned, _) = await counts.ByZoneAsync(record, default);
                Assert.Equal(scanned, (await counts.ProgressAsync(record, default)).Zones);
                Assert.Equal(marked, Counted(scanned));
            }
        }
    }
}
