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

        var tallied = await counts.ProgressAsync(record, default);
        var (scanned, _) = await counts.ByZoneAsync(record, default);

        Assert.Equal(scanned, tallied);
        Assert.Equal(30, tallied.Sum(z => z.Invited));
        Assert.Equal(3, tallied.Sum(z => z.OptedOut));

        await WaveLifecycle.UpdateAsync(store, wave.Definition.Id, w => w with { Phase = WavePhase.Closed }, default);
        await _app.Services.GetRequiredService<WaveEnding>().PurgeAsync(wave.Definition.Id, default);
        Assert.Empty(await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(WaveCounts.TalliesTable, TableQuery.InPartition(wave.Definition.Id)).ToListAsync());
        Assert.Equal(scanned.Select(z => (z.Zone, z.Invited, z.OptedOut)), (await counts.ProgressAsync((await store.GetAsync(wave.Definition.Id, default))!, default)).Select(z => (z.Zone, z.Invited, z.OptedOut)));
    }
}
