using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Sample uploads that fail, or that a crash leaves behind, leave no personal data: discarded at once, swept by the next
/// upload, and purged with the wave. Every partition a sample row was ever written to is checked.
/// </summary>
public sealed class StagedUploadTests : IAsyncLifetime, IDisposable
{
    private readonly ConcurrentDictionary<string, bool> _written = new(StringComparer.Ordinal);
    private readonly PipelineApplication _app;
    private WaveTestKit _kit = null!;

    public StagedUploadTests()
    {
        _app = new PipelineApplication { Settings = { ["Waves:MaxSampleBytes"] = "20000" } };
        _app.ConfigureServices = services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(ITableStore));
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => new RecordingTables((ITableStore)inner.ImplementationFactory!(sp), _written)));
        };
    }

    public Task InitializeAsync()
    {
        _kit = WaveTestKit.Operator(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private async Task<int> PersonRowsAsync(string waveId, string? except = null)
    {
        var tables = _app.Services.GetRequiredService<ITableStore>();
        var rows = 0;
        foreach (var partition in _written.Keys.Where(p => p.StartsWith(waveId + "|", StringComparison.Ordinal) && (except is null || !p.Contains(except, StringComparison.Ordinal))))
        {
            rows += await tables.QueryAllAsync(WaveStore.SampleTable(partition), TableQuery.InPartition(partition)).CountAsync();
        }

        return rows;
    }

    [Fact]
    public async Task Upload_NotUtf8AfterTwoHundredRows_400_NoRowStaysAnywhere()
    {
        var wave = WaveTestKit.Wave("pz-staged-utf8", 1, "nl");
        await _kit.CreateAsync(wave);
        var csv = Encoding.UTF8.GetBytes(WaveTestKit.Csv(wave, 200)).Concat(Encoding.Latin1.GetBytes("P999;Jos\u00e9 Peeters;Kerkstraat 1;;8400;Gemeente 1.1;zone-1;Wijk 1.1.1;nl;25-34;M\n")).ToArray();

        var response = await _kit.Http.PutAsync(new Uri($"/api/waves/{wave.Id}/sample", UriKind.Relative), new ByteArrayContent(csv));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(_written.Keys, p => p.StartsWith(wave.Id + "|", StringComparison.Ordinal));
        Assert.Equal(0, await PersonRowsAsync(wave.Id));
        Assert.Empty((await _app.Services.GetRequiredService<WaveStore>().GetAsync(wave.Id, default))!.StagedSamples);
    }

    [Fact]
    public async Task Upload_OverTheSizeLimitMidway_413_NoRowStaysAnywhere()
    {
        var wave = WaveTestKit.Wave("pz-staged-413", 1, "nl");
        await _kit.CreateAsync(wave);

        var response = await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 400));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains(_written.Keys, p => p.StartsWith(wave.Id + "|", StringComparison.Ordinal));
        Assert.Equal(0, await PersonRowsAsync(wave.Id));
    }

    [Fact]
    public async Task Upload_AfterACrashLeftAnUploadStaged_SweptOnceStale_AndThePurgeTakesAFreshOne()
    {
        var wave = WaveTestKit.Wave("pz-staged-crash", 1, "nl");
        await _kit.CreateAsync(wave);
        var store = _app.Services.GetRequiredService<WaveStore>();
        async Task LeaveStagedAsync(string sampleId)
        {
            await WaveLifecycle.UpdateAsync(store, wave.Id, w => w with { StagedSamples = [.. w.StagedSamples, sampleId] }, default);
            var partition = WaveStore.SamplePartition(wave.Id, sampleId, "zone-1", "nl");
            _written[partition] = true;
            await store.Tables.InsertAsync(WaveStore.SampleTable(partition), new TableRow(partition, WaveStore.SampleRowKey(1), new Dictionary<string, object> { ["Name"] = "Left Behind" }));
        }

        var stale = (DateTimeOffset.UtcNow - TimeSpan.FromHours(2)).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + new string('a', 12);
        await LeaveStagedAsync(stale);
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 20))).StatusCode);
        var current = (await store.GetAsync(wave.Id, default))!.SampleId!;
        Assert.Equal(0, await PersonRowsAsync(wave.Id, except: current));

        var fresh = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture) + "-" + new string('b', 12);
        await LeaveStagedAsync(fresh);
        await WaveLifecycle.UpdateAsync(store, wave.Id, w => w with { Phase = WavePhase.Closed }, default);
        await _app.Services.GetRequiredService<WaveEnding>().PurgeAsync(wave.Id, default);

        Assert.Equal(0, await PersonRowsAsync(wave.Id));
        Assert.Empty((await store.GetAsync(wave.Id, default))!.StagedSamples);
    }

    /// <summary>Records every partition a batch wrote to.</summary>
    private sealed class RecordingTables(ITableStore inner, ConcurrentDictionary<string, bool> written) : InterceptedTables(inner)
    {
        protected override Task<T> WriteAsync<T>(string table, TableBatch? batch, Func<Task<T>> call)
        {
            if (batch is not null)
            {
                written[batch.Operations[0].Row.PartitionKey] = true;
            }

            return call();
        }
    }
}
