using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Sample;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Two hosts recompute one wave: host A read the responses (a release still writing them) and is writing its figures
/// when host B, woken by the release's later request, wants to recompute. Without a lease B would write the newer
/// figures, delete the request, and A would then write its older ones over them, with nothing left to correct it.
/// </summary>
public sealed class RecomputeLeaseTests
{
    private readonly StorageSet _storage = StorageSet.InMemory(TimeProvider.System);

    private AggregateService Host(WaveStore store)
    {
        var segments = new ResponseSegments(store, TimeProvider.System);
        return new AggregateService(store, _storage.Queues, segments, new WaveCounts(store, segments), Options.Create(new AggregateOptions()), TimeProvider.System, NullLogger<AggregateService>.Instance);
    }

    [Fact]
    public async Task SecondHost_WhileTheFirstRecomputes_LeavesTheRequestAndWakesLater_ThenRecomputes()
    {
        var wave = SyntheticSample.Wave("lease-" + Guid.NewGuid().ToString("N")[..8], 1, ["nl"], new DateOnly(2026, 1, 5));
        var plain = new WaveStore(_storage.Tables, _storage.Blobs);
        await plain.CreateAsync(wave, DateTimeOffset.UtcNow, default);
        var hostB = Host(plain);
        await new RecomputeRequests(plain, _storage.Queues, TimeProvider.System).AddAsync(wave.Id, default);
        var crashing = new CrashingStorage(_storage.Tables, _storage.Blobs);
        var hostA = Host(new WaveStore(crashing.Tables, crashing.Blobs));

        // Host A's first write is its lease; at its second (its first figures) host B processes the request.
        int? secondHost = -1;
        var doneByB = -1;
        crashing.InterleaveAt = 2;
        crashing.Interleave = async () =>
        {
            secondHost = await hostB.TryRecomputeAsync(wave.Id, default);
            doneByB = await hostB.ProcessRequestsAsync(default);
        };

        Assert.NotNull(await hostA.TryRecomputeAsync(wave.Id, default));

        Assert.StartsWith(RecomputeRequests.Table + " " + wave.Id, crashing.Log.First(), StringComparison.Ordinal);
        Assert.Null(secondHost);
        Assert.Equal(0, doneByB);
        Assert.NotNull(await _storage.Tables.TryGetAsync(RecomputeRequests.Table, "wave", wave.Id));
        Assert.True(await WakeUpAsync(), "host B left the request without a wake-up");

        // Host A is done: its lease is free, and the next pass recomputes.
        Assert.NotNull(await hostB.TryRecomputeAsync(wave.Id, default));
    }

    /// <summary>True once the delayed wake-up message is visible (within 5 s).</summary>
    private async Task<bool> WakeUpAsync()
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(5); DateTime.UtcNow < deadline; await Task.Delay(100))
        {
            if ((await _storage.Queues.ReceiveAsync(RecomputeRequests.Queue, 32, TimeSpan.FromMinutes(1), default)).Any(m => m.Content == "coalesced"))
            {
                return true;
            }
        }

        return false;
    }
}
