using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage.Emulator;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;

namespace Pipeline.Benchmarks;

/// <summary>
/// Sustained <c>POST /api/responses</c> against the real host in its own process (Kestrel on loopback, the
/// benchmark's Azurite), with 32 and 64 concurrent clients after 1,000 warm-up submissions: submissions per
/// second and p50/p99 latency, then the release of everything submitted.
/// </summary>
internal static class ResponsesBenchmark
{
    /// <summary>
    /// <paramref name="functionsHost"/>: the app as Azure runs it, an isolated worker behind the local Functions host
    /// (Pipeline.LocalHost); otherwise the local runner, the app serving HTTP itself.
    /// </summary>
    public static async Task<string> RunAsync(IServiceProvider services, string connection, int submissions, IReadOnlyList<int> concurrencies, bool functionsHost = false)
    {
        const int WarmUp = 1000;
        var (wave, tokens) = await OpenWaveAsync(services, WarmUp + (submissions * concurrencies.Count));
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var port = AzuriteProcess.FreePort();
        using var host = StartHost(connection, port, functionsHost);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await WaitHealthyAsync(http, host);

        var report = new StringBuilder();
        var next = 0;
        foreach (var (clients, count, measured) in new[] { (16, WarmUp, false) }.Concat(concurrencies.Select(c => (c, submissions, true))))
        {
            var bodies = Enumerable.Range(0, count)
                .Select(i => JsonSerializer.SerializeToUtf8Bytes(new { token = tokens[next + i], answers = AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, new Random(i))) }))
                .ToArray();
            next += count;
            var latencies = new double[count];
            var failures = 0;
            var index = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref index)) < count)
                {
                    var start = Stopwatch.GetTimestamp();
                    using var content = new ByteArrayContent(bodies[i]);
                    content.Headers.ContentType = new("application/json");
                    using var response = await http.PostAsync(new Uri("/api/responses", UriKind.Relative), content);
                    latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            })));
            clock.Stop();
            if (!measured)
            {
                continue;
            }

            Array.Sort(latencies);
            var rate = submissions / clock.Elapsed.TotalSeconds;
            report.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"responses: {clients} clients, {submissions} submissions in {clock.Elapsed.TotalSeconds:F1} s = {rate:F0}/s ({rate / 680:P0} of PutBlob ~680/s); p50 {latencies[submissions / 2]:F1} ms, p99 {latencies[(int)(submissions * 0.99)]:F1} ms; {failures} not 201"));
        }

        var release = Stopwatch.StartNew();
        var released = await services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        report.Append(string.Create(CultureInfo.InvariantCulture, $"release: {released} responses in {release.Elapsed.TotalSeconds:F1} s = {released / release.Elapsed.TotalSeconds:F0}/s"));
        host.Kill(entireProcessTree: true);
        return report.ToString();
    }

    /// <summary>A wave in fieldwork with <paramref name="people"/> tokens recorded, as its letters would leave it.</summary>
    internal static async Task<(Survey.Waves.WaveDefinition Wave, List<string> Tokens)> OpenWaveAsync(IServiceProvider services, int people)
    {
        var store = services.GetRequiredService<WaveStore>();
        var wave = SyntheticSample.Wave("bench-" + Guid.NewGuid().ToString("N")[..8], 1, ["nl", "fr"], DateOnly.FromDateTime(DateTime.UtcNow));
        var record = await store.CreateAsync(wave, DateTimeOffset.UtcNow, default);
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        var sample = SyntheticSample.People(wave, people, seed: 1).ToList();
        SyntheticSample.WriteCsv(csv, sample);
        var import = services.GetRequiredService<SampleImport>();
        using (var reader = new StringReader(csv.ToString()))
        {
            record = (await import.AttachAsync(record, await import.ImportAsync(record, reader, default), default))!;
        }

        var secret = services.GetRequiredService<IOptions<WaveOptions>>().Value.WaveSecret(wave.Id);
        var rows = new List<(AccessToken, TokenEntry, Storage.TableRow)>();
        var tokens = new List<string>();
        foreach (var group in WaveStore.Groups(record))
        {
            var sequence = 0;
            foreach (var person in sample.Where(p => p.Zone == group.Zone && p.Language == group.Language))
            {
                var token = AccessToken.Derive(secret, wave.Id, person.PersonReference);
                var entry = new TokenEntry(wave.Id, group.Partition, WaveStore.SampleRowKey(++sequence));
                rows.Add((token, entry, new Storage.TableRow(entry.Partition, entry.RowKey, InvitationRows.FromPerson(person))));
                tokens.Add(token.Display);
            }
        }

        await services.GetRequiredService<TokenDirectory>().RecordAsync(rows, default);
        await store.SaveAsync(record with { Phase = WavePhase.Fieldwork, StartedAt = DateTimeOffset.UtcNow }, default);
        Random.Shared.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(tokens));
        return (wave, tokens);
    }

    internal static Process StartHost(string connection, int port, bool functionsHost)
    {
        var root = RepositoryRoot.Find()!;
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        var configuration = Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))!);
        start.ArgumentList.Add(functionsHost
            ? Path.Combine(root, "functions", "Pipeline.LocalHost", "bin", configuration, "net10.0", "Pipeline.LocalHost.dll")
            : Path.Combine(root, "tests", "Pipeline.InProcess", "bin", configuration, "net10.0", "Pipeline.InProcess.dll"));
        start.ArgumentList.Add(functionsHost ? $"--urls=http://127.0.0.1:{port}" : "--urls");
        if (!functionsHost)
        {
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
        }

        start.Environment["AzureWebJobsStorage"] = connection;
        start.Environment["Azurite__Embedded"] = "false";
        start.Environment["AzureFunctionsJobHost__extensions__durableTask__hubName"] = "benchhost" + Guid.NewGuid().ToString("N")[..8];
        start.Environment["Waves__TokenSecret"] = BenchmarkCli.TokenSecret;
        start.Environment["Waves__TokenHashKey"] = BenchmarkCli.TokenHashKey;
        start.Environment["Operator__Keys__0"] = "benchmark-operator-key-0123456789";
        start.Environment["Analyst__Keys__0"] = "benchmark-analyst-key-0123456789";
        start.Environment["Responses__ClientPermitsPerMinute"] = "1000000";
        start.Environment["Responses__ReleaseSchedule"] = "0 0 0 1 1 *";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { Console.Error.WriteLine("host: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    internal static async Task WaitHealthyAsync(HttpClient http, Process host)
    {
        for (var attempt = 0; attempt < 600; attempt++)
        {
            if (host.HasExited)
            {
                throw new InvalidOperationException($"The host exited with code {host.ExitCode}.");
            }

            try
            {
                if ((await http.GetAsync(new Uri("/api/health", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("The host did not become healthy in 60 s.");
    }
}
