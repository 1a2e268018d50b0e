using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Compaction of response blobs into per-zone segments, on Azurite: a crash at any write leaves every response
/// readable exactly once, and a second run finishes the job.
/// </summary>
public sealed class ResponseSegmentsTests
{
    private const int PerZone = 30;

    [Theory]
    [InlineData(0, false)] // no crash
    [InlineData(1, false)] // before the first segment is written
    [InlineData(1, true)] // right after it: segment and its single blobs both there
    [InlineData(2, true)] // both segments written, no blob deleted yet
    [InlineData(20, true)] // in the middle of the deletes
    [InlineData(62, false)] // before the last delete
    public async Task Compact_CrashAtAnyWrite_EveryResponseReadOnce_SecondRunFinishes(int crashAt, bool after)
    {
        var set = StorageSet.Azure(new StorageOptions { ConnectionString = await TestAzurite.ConnectionStringAsync() });
        var wave = "seg-" + Guid.NewGuid().ToString("N")[..10];
        var names = new List<string>();
        foreach (var zone in new[] { "pz-a", "pz-b" })
        {
            for (var i = 0; i < PerZone; i++)
            {
                var record = Record(wave, zone, i);
                var name = ResponseRelease.BlobName(record, Guid.NewGuid().ToString("N"));
                await set.Blobs.PutAsync(ResponseRelease.Container, name, JsonSerializer.SerializeToUtf8Bytes(record, AppJson.Web), BlobCondition.IfNotExists);
                names.Add(name);
            }
        }

        var crashing = new CrashingStorage(set.Tables, set.Blobs) { CrashAt = crashAt, After = after };
        var first = new ResponseSegments(new WaveStore(crashing.Tables, crashing.Blobs), TimeProvider.System);
        if (crashAt == 0)
        {
            Assert.Equal(2 * PerZone, await first.CompactAsync(wave, default));
        }
        else
        {
            await Assert.ThrowsAsync<SimulatedCrash>(() => first.CompactAsync(wave, default));
        }

        // Another host, after the crash: each response once, with its own answers.
        var store = new WaveStore(set.Tables, set.Blobs);
        await AssertEveryResponseOnceAsync(new ResponseSegments(store, TimeProvider.System), wave, names);

        var second = new ResponseSegments(store, TimeProvider.System);
        await second.CompactAsync(wave, default);
        Assert.Empty(await set.Blobs.ListAllAsync(ResponseRelease.Container, wave + "/").ToListAsync());
        var segments = await set.Blobs.ListAllAsync(ResponseSegments.Container, wave + "/").ToListAsync();
        Assert.Equal(["pz-a", "pz-b"], segments.Select(s => s.Name.Split('/')[1]).Distinct().Order());
        Assert.Equal(0, await second.CompactAsync(wave, default));
        await AssertEveryResponseOnceAsync(new ResponseSegments(store, TimeProvider.System), wave, names);
    }

    private static async Task AssertEveryResponseOnceAsync(ResponseSegments segments, string wave, List<string> names)
    {
        var read = await segments.ReadAsync(wave, default);
        Assert.Equal(names.Order(), read.Keys.Order());
        Assert.All(read, r => Assert.Equal(r.Key.Split('/')[1], r.Value.Zone));
        Assert.Equal(Enumerable.Range(0, PerZone).Concat(Enumerable.Range(0, PerZone)).Order(), read.Values.Select(r => int.Parse(r.Answers["n"][0], System.Globalization.CultureInfo.InvariantCulture)).Order());
    }

    private static ResponseRecord Record(string wave, string zone, int i) =>
        new(wave, "vm-2026.1", "nl", zone, zone + "-m", zone + "-n", "15-24", "f", new DateOnly(2026, 3, 1), ResponseRecord.Web, new JsonObject { ["n"] = i });
}
