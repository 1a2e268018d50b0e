using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.InProcess;
using Pipeline.Storage;
using Pipeline.Survey.Sample;

namespace Pipeline.Benchmarks;

/// <summary>
/// A wave of <c>people</c> over <c>zones</c> zones and two languages: the sample import, then the wave's
/// invitations from the start to the last letter (PDFs, manifests, tokens, rows), as the host runs them. With
/// <c>--reminders</c>, then the reminders to everyone (nobody answered), each pack with the paper questionnaire, from the
/// operator's "remind now" to the last pack; and the ceilings they rest on, measured in the same run: rendering (reminder
/// packs on one thread, times the machine's cores) and Azurite's table batches.
/// </summary>
internal static class LettersBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, int people, int zones, bool reminders = false)
    {
        var store = services.GetRequiredService<WaveStore>();
        var client = services.GetRequiredService<HubClient>();
        var wave = SyntheticSample.Wave("bench-" + Guid.NewGuid().ToString("N")[..8], zones, ["nl", "fr"], DateOnly.FromDateTime(DateTime.UtcNow));
        var record = await store.CreateAsync(wave, DateTimeOffset.UtcNow, default);

        var csv = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticSample.WriteCsv(csv, SyntheticSample.People(wave, people, seed: 1));
        var bytes = Encoding.UTF8.GetBytes(csv.ToString());
        var import = Stopwatch.StartNew();
        using (var reader = new StreamReader(new MemoryStream(bytes)))
        {
            var sample = services.GetRequiredService<SampleImport>();
            var result = await sample.ImportAsync(record, reader, default);
            if (!result.Ok)
            {
                throw new InvalidOperationException("The synthetic sample was refused: " + result.Errors[0].Reason);
            }

            record = (await sample.AttachAsync(record, result, default))!;
        }

        import.Stop();
        var now = DateTime.UtcNow;
        var issue = Stopwatch.StartNew();
        await client.ScheduleNewOrchestrationInstanceAsync(nameof(WaveOrchestrator), new WaveRunInput(wave.Id, now.AddDays(30), now.AddDays(60), 0), new StartOrchestrationOptions(wave.Id));
        while ((await client.GetInstanceAsync(wave.Id))?.SerializedCustomStatus?.Contains("waiting for reminder", StringComparison.Ordinal) != true)
        {
            await Task.Delay(200);
        }

        issue.Stop();
        var files = await store.Blobs.ListAllAsync(WaveStore.LettersContainer, wave.Id + "/").ToListAsync();
        var pdf = files.Where(f => f.Name.EndsWith(".pdf", StringComparison.Ordinal)).ToList();
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"letters: {people} people, {zones} zones x 2 languages, {pdf.Count} PDF files ({pdf.Sum(f => f.Length) / 1024 / 1024} MB); " +
            $"import {import.Elapsed.TotalSeconds:F1} s ({people / import.Elapsed.TotalSeconds:F0} rows/s, {bytes.Length / 1024} KB CSV); " +
            $"invitations {issue.Elapsed.TotalSeconds:F1} s = {people / issue.Elapsed.TotalSeconds:F0} letters/s");
        if (!reminders)
        {
            return summary;
        }

        var remind = Stopwatch.StartNew();
        await client.RaiseEventAsync(wave.Id, WaveEvents.RescheduleReminder, new WaveTime(DateTime.UtcNow));
        while ((await client.GetInstanceAsync(wave.Id))?.SerializedCustomStatus?.Contains("\"fieldwork\"", StringComparison.Ordinal) != true)
        {
            await Task.Delay(500);
        }

        remind.Stop();
        var packs = (await store.Blobs.ListAllAsync(WaveStore.LettersContainer, wave.Id + "/reminder/").ToListAsync()).Where(f => f.Name.EndsWith(".pdf", StringComparison.Ordinal)).ToList();
        var rate = people / remind.Elapsed.TotalSeconds;
        var render = RenderBenchmark.PacksPerSecond(2000, enclose: true);
        var cores = Environment.ProcessorCount;
        var batches = await ImportBenchmark.BatchCeilingAsync(services.GetRequiredService<ITableStore>(), 20_000);
        return summary + string.Create(CultureInfo.InvariantCulture,
            $"; reminders with the questionnaire {remind.Elapsed.TotalSeconds:F1} s = {remind.Elapsed.TotalMinutes:F1} min = {rate:F0} packs/s, {packs.Count} PDF files ({packs.Sum(f => f.Length) / 1024 / 1024} MB); " +
            $"ceilings in this run: rendering {render:F0} packs/s on one thread x {cores} cores = {render * cores:F0} (ratio {rate / (render * cores):F2}); " +
            $"Azurite table batches {batches:F0} entities/s (2 entities a pack: ratio {2 * rate / batches:F2})");
    }
}

/// <summary>
/// PDF rendering alone, on one thread: no storage. With <c>--enclose</c>, reminder packs: each letter followed by the
/// paper questionnaire (its pages drawn once, the code per person).
/// </summary>
internal static class RenderBenchmark
{
    public static string Run(int letters, bool enclose) => Describe(letters, enclose, out _);

    /// <summary>The rendering ceiling: reminder packs (or letters) per second on one thread.</summary>
    public static double PacksPerSecond(int letters, bool enclose)
    {
        Describe(letters, enclose, out var rate);
        return rate;
    }

    private static string Describe(int letters, bool enclose, out double rate)
    {
        var secret = Encoding.UTF8.GetBytes("benchmark-wave-secret-0123456789");
        var batch = new Pipeline.Survey.Letters.LetterBatch(enclose ? Pipeline.Survey.Letters.LetterKind.Reminder : Pipeline.Survey.Letters.LetterKind.Invitation, "Veiligheidsmonitor 2026 – PZ Demo", "PZ Demo", "https://survey.example.be",
            new DateOnly(2026, 3, 2), new DateOnly(2026, 5, 11), "+32 2 000 00 00", "vm@example.be", "00001.pdf",
            enclose ? Pipeline.Survey.Questionnaires.QuestionnaireCatalog.Find(Pipeline.Survey.Questionnaires.QuestionnaireCatalog.Versions.First()) : null);
        var list = Enumerable.Range(1, letters).Select(i =>
        {
            var token = Pipeline.Survey.Tokens.AccessToken.Derive(secret, "w", $"P{i}");
            return new Pipeline.Survey.Letters.Letter(i, "nl", $"Anna Peeters {i}", ["Kerkstraat 1", string.Empty], "8400", "Oostende", token.Display, token.Value);
        }).ToList();
        using (var warm = new MemoryStream())
        {
            Pipeline.Survey.Letters.LetterRenderer.Render(batch, list.Take(10).ToList(), warm);
        }

        using var pdf = new MemoryStream();
        var watch = Stopwatch.StartNew();
        var pages = Pipeline.Survey.Letters.LetterRenderer.Render(batch, list, pdf)["nl"];
        watch.Stop();
        rate = letters / watch.Elapsed.TotalSeconds;
        return string.Create(CultureInfo.InvariantCulture, $"render: {letters} {(enclose ? $"reminder packs of {pages} pages" : "letters")} in one PDF, {pdf.Length / 1024} KB, {watch.Elapsed.TotalSeconds:F2} s = {letters / watch.Elapsed.TotalSeconds:F0} packs/s on one thread");
    }
}
