using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Sample;

namespace Pipeline.Benchmarks;

/// <summary>
/// A national sample (<c>people</c> rows, <c>zones</c> zones) sent as an operator sends a file over the host's body limit:
/// in chunks of <c>Waves:MaxChunkBytes</c>, then one import job, run as the queue trigger runs it. Prints the chunk
/// upload and the import, and, measured in the same run, Azurite's ceiling the import rests on: table batches of 100,
/// one writer after another (the import stages its rows so).
/// </summary>
internal static class ImportBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, DurableTaskClient client, int people, int zones)
    {
        var store = services.GetRequiredService<WaveStore>();
        var imports = services.GetRequiredService<Imports>();
        var definition = SyntheticSample.Wave("bench-national-" + Guid.NewGuid().ToString("N")[..6], zones, ["nl", "fr"], new DateOnly(2026, 3, 2));
        await store.CreateAsync(definition, DateTimeOffset.UtcNow, default);
        var text = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticSample.WriteCsv(text, SyntheticSample.People(definition, people, 1));
        var file = Encoding.UTF8.GetBytes(text.ToString());

        var upload = Stopwatch.StartNew();
        var chunks = file.Chunk(8 * 1024 * 1024).ToList();
        for (var i = 0; i < chunks.Count; i++)
        {
            await imports.PutChunkAsync(definition.Id, "national-0001", i, chunks[i], default);
        }

        upload.Stop();
        await imports.StartAsync(definition.Id, "national-0001", ImportKind.Sample, chunks.Count, string.Empty, default);
        var import = Stopwatch.StartNew();
        await imports.RunAsync(definition.Id + "/national-0001", client, default);
        import.Stop();
        var status = (await imports.GetAsync(definition.Id, "national-0001", default))!;
        var imported = (await store.GetAsync(definition.Id, default))!.SampleSize;
        if (status.ResultStatus != 200 || imported != people)
        {
            throw new InvalidOperationException($"The import answered {status.ResultStatus} with {imported} people: {status.Result}");
        }

        var ceiling = await BatchCeilingAsync(services.GetRequiredService<ITableStore>(), 20_000);
        var rate = people / import.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"import: {people} people, {zones} zones, {file.Length / 1e6:F1} MB in {chunks.Count} chunks: upload {upload.Elapsed.TotalSeconds:F1} s, import {import.Elapsed.TotalSeconds:F1} s = {rate:F0} rows/s; Azurite ceiling (batches of 100, one writer) {ceiling:F0} entities/s; ratio {rate / ceiling:F2}");
    }

    /// <summary>Entities a second in batches of 100 to one partition each, one batch after another, rows shaped as sample rows.</summary>
    internal static async Task<double> BatchCeilingAsync(ITableStore tables, int entities)
    {
        var table = "ceiling" + Guid.NewGuid().ToString("N")[..8];
        var clock = Stopwatch.StartNew();
        for (var b = 0; b < entities / TableBatch.MaxOperations; b++)
        {
            var batch = new TableBatch();
            for (var i = 0; i < TableBatch.MaxOperations; i++)
            {
                batch.Insert(new TableRow("p" + (b % 40).ToString(CultureInfo.InvariantCulture), (b * 1000 + i).ToString("D9", CultureInfo.InvariantCulture), new Dictionary<string, object>
                {
                    ["Name"] = "Jan Peeters " + i,
                    ["AddressLine1"] = "Kerkstraat " + i,
                    ["Postcode"] = "8400",
                    ["Municipality"] = "Gemeente 1.1",
                    ["Neighbourhood"] = "Wijk 1.1.1",
                    ["AgeBand"] = "25-34",
                    ["Sex"] = "M",
                    ["PersonReference"] = "P" + i,
                }));
            }

            await tables.ExecuteBatchAsync(table, batch);
        }

        return entities / clock.Elapsed.TotalSeconds;
    }
}
