using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;

namespace Pipeline.Benchmarks;

/// <summary>
/// The nightly refresh of a national wave: <c>responses</c> responses over <c>zones</c> zones, of which all but
/// <c>singles</c> were compacted into segments on earlier nights and <c>singles</c> arrived as single blobs since.
/// Timed on a cold host (nothing read yet): the compaction of the singles, then the recompute of every area, as
/// <see cref="NightlyRefresh"/> runs them for each wave; then a warm recompute. Peak memory is sampled.
/// </summary>
internal static class NightlyBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, int responses, int zones, int singles)
    {
        var store = services.GetRequiredService<WaveStore>();
        var wave = SyntheticSample.Wave("nightly-" + Guid.NewGuid().ToString("N")[..8], zones, ["nl", "fr"], DateOnly.FromDateTime(DateTime.UtcNow));
        await store.CreateAsync(wave, DateTimeOffset.UtcNow, default);
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var setup = new ResponseSegments(store, TimeProvider.System);
        var compactedPerZone = (responses - singles) / zones;
        var singlesWritten = 0;
        await Parallel.ForAsync(0, zones, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (z, ct) =>
        {
            var zone = wave.Zones[z];
            var count = compactedPerZone + (z < (responses - singles) % zones ? 1 : 0);
            var entries = Enumerable.Range(0, count).Select(i => Entry(wave.Id, zone, questionnaire, (z * 10_000) + i)).ToList();
            await setup.WriteSegmentAsync(wave.Id, zone.Id, entries, ct);
        });
        await Parallel.ForAsync(0, singles, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var entry = Entry(wave.Id, wave.Zones[i % zones], questionnaire, 5_000_000 + i);
            await store.Blobs.PutAsync(ResponseRelease.Container, entry.Name, JsonSerializer.SerializeToUtf8Bytes(entry.Response), BlobCondition.IfNotExists, ct);
            Interlocked.Increment(ref singlesWritten);
        });

        setup = null;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = Process.GetCurrentProcess().WorkingSet64;

        // A cold host: its own segment reader and aggregate service, nothing cached.
        var segments = new ResponseSegments(store, TimeProvider.System);
        var aggregates = new AggregateService(store, services.GetRequiredService<IQueueStore>(), segments, new WaveCounts(store, segments), services.GetRequiredService<IOptions<AggregateOptions>>(), TimeProvider.System, NullLogger<AggregateService>.Instance);
        long peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Process.GetCurrentProcess().WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var compacted = await segments.CompactAsync(wave.Id, default);
        var compaction = clock.Elapsed.TotalSeconds;
        var read = await aggregates.RecomputeAsync(wave.Id, default);
        var cold = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        clock.Restart();
        await aggregates.RecomputeAsync(wave.Id, default);
        var warm = clock.Elapsed.TotalSeconds;
        if (read != responses || compacted != singlesWritten)
        {
            throw new InvalidOperationException($"Read {read} of {responses} responses; compacted {compacted} of {singlesWritten}.");
        }

        var areas = (await aggregates.ListAsync(wave.Id, default)).Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"nightly: {responses} responses, {zones} zones, {areas} areas, {singles} single blobs to compact: cold {cold:F2} s (compaction {compaction:F2} s, recompute {cold - compaction:F2} s), warm recompute {warm:F2} s; working set {baseline / 1048576} MB before, peak {peak / 1048576} MB");
    }

    private static SegmentEntry<JsonElement> Entry(string waveId, Zone zone, Questionnaire questionnaire, int seed)
    {
        var random = new Random(seed);
        var municipality = zone.Municipalities[random.Next(zone.Municipalities.Count)];
        var record = new ResponseRecord(
            waveId,
            questionnaire.Version,
            random.Next(2) == 0 ? "nl" : "fr",
            zone.Id,
            municipality.Name,
            municipality.Neighbourhoods[random.Next(municipality.Neighbourhoods.Count)],
            Demography.AgeBands[random.Next(Demography.AgeBands.Count)],
            Demography.Sexes[random.Next(Demography.Sexes.Count)],
            DateOnly.FromDateTime(DateTime.UtcNow),
            ResponseRecord.Web,
            AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, random)));
        return new SegmentEntry<JsonElement>(ResponseRelease.BlobName(record, Guid.NewGuid().ToString("N")), JsonSerializer.SerializeToElement(record, AppJson.Web));
    }
}
