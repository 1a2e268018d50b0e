using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.OperatorConsole;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Sample;

namespace Pipeline.Benchmarks;

/// <summary>
/// The operator console's pages at national size: a wave of <c>people</c> people in <c>zones</c> zones, in fieldwork, with
/// its invitation letters' PDFs and manifests (one pair per 500 people) and their tallies, among <c>waves</c> waves in all. Times the
/// waves list and the wave's page (progress per zone and the letters), rendered to bytes as a request would get them,
/// median of <c>runs</c>; and, in the same run, Azurite's ceiling the progress rests on: one scan of the wave's people's
/// rows.
/// </summary>
internal static class ConsoleBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, DurableTaskClient client, int people, int zones, int waves, int runs)
    {
        var store = services.GetRequiredService<WaveStore>();
        var import = services.GetRequiredService<SampleImport>();
        var counts = services.GetRequiredService<WaveCounts>();
        var definition = SyntheticSample.Wave("bench-console-" + Guid.NewGuid().ToString("N")[..6], zones, ["nl", "fr"], new DateOnly(2026, 3, 2));
        var wave = await store.CreateAsync(definition, DateTimeOffset.UtcNow, default);
        var result = await import.ImportAsync(wave, SyntheticSample.People(definition, people, 1), default);
        wave = await import.AttachAsync(wave, result, default) ?? throw new InvalidOperationException("The sample was not attached.");
        wave = await WaveLifecycle.UpdateAsync(store, definition.Id, w => w with { Phase = WavePhase.Fieldwork, StartedAt = DateTimeOffset.UtcNow }, default);
        var letters = 0;
        foreach (var group in WaveStore.Groups(wave))
        {
            for (var batch = 1; (batch - 1) * 500 < group.Count; batch++)
            {
                // As the run's letters activity leaves each batch: its letters and its tally.
                await counts.TallyLettersAsync(definition.Id, "invitation", group.Zone, group.Language, batch, new Dictionary<string, int> { [$"Gemeente {group.Zone}"] = Math.Min(500, group.Count - ((batch - 1) * 500)) }, default);
                foreach (var type in new[] { "pdf", "csv" })
                {
                    await store.Blobs.PutAsync(WaveStore.LettersContainer, $"{definition.Id}/invitation/{group.Zone}/{group.Language}/{batch:D5}.{type}", "x"u8.ToArray(), BlobCondition.None, default);
                    letters++;
                }
            }
        }

        for (var i = 1; i < waves; i++)
        {
            await store.CreateAsync(SyntheticSample.Wave($"bench-other-{i}-" + Guid.NewGuid().ToString("N")[..6], 2, ["nl"], new DateOnly(2026, 3, 2)), DateTimeOffset.UtcNow, default);
        }

        var list = await MedianAsync(services, runs, request => ConsolePages.WavesAsync(request, "en", store, counts, default));
        var page = await MedianAsync(services, runs, request => ConsolePages.WaveAsync(definition.Id, request, "en", null, store, counts, client, TimeProvider.System, default));

        var scan = Stopwatch.StartNew();
        var rows = 0;
        foreach (var group in WaveStore.Groups(wave))
        {
            rows += await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition)).CountAsync();
        }

        scan.Stop();
        return string.Create(CultureInfo.InvariantCulture,
            $"console: a wave of {people} people, {zones} zones, {letters} letter files, {waves} waves: list {list.Seconds:F2} s ({list.Bytes / 1024} KB), wave page {page.Seconds:F2} s ({page.Bytes / 1024} KB), medians of {runs}; Azurite ceiling: a scan of the wave's {rows} people's rows {scan.Elapsed.TotalSeconds:F2} s = {rows / scan.Elapsed.TotalSeconds:F0} rows/s; ratio page/scan {page.Seconds / scan.Elapsed.TotalSeconds:F2}");
    }

    /// <summary>The median time of <paramref name="runs"/> answers of <paramref name="page"/>, from the request to the last byte written.</summary>
    private static async Task<(double Seconds, long Bytes)> MedianAsync(IServiceProvider services, int runs, Func<HttpRequest, Task<IResult>> page)
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < runs; i++)
        {
            var context = new DefaultHttpContext { RequestServices = services, Response = { Body = new MemoryStream() } };
            var clock = Stopwatch.StartNew();
            await (await page(context.Request)).ExecuteAsync(context);
            times.Add(clock.Elapsed.TotalSeconds);
            bytes = context.Response.Body.Length;
        }

        times.Sort();
        return (times[runs / 2], bytes);
    }
}
