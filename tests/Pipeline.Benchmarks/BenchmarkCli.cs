using System.Diagnostics;
using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Http;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.InProcess;
using Pipeline.Storage;
using Pipeline.Storage.Emulator;

namespace Pipeline.Benchmarks;

/// <summary>
/// Benchmark programs; each prints its figures. Usage:
/// <code>
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- hello   [--orchestrations 1000] [--activities 5] [--timers 0]
///     (task hub settings: [--partitions 1] [--orchestration-slots 16] [--activity-slots 32] [--poll 00:00:01] [--sessions] [--batch 32])
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- fanout  [--activities 1000]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- latency [--samples 200]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- letters --people 100000 --zones 18 [--reminders]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- render [--letters 500] [--enclose]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- responses [--submissions 5000] [--clients 32,64] [--host functions]
///     (--host functions: the app as a worker behind the local Functions host; otherwise the local runner)
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- aggregates [--responses 2000]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- nightly [--responses 168206 --zones 164 --singles 2000]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- import [--people 430000 --zones 164]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- console [--people 430000 --zones 77 --waves 20 --runs 5]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- letters-http [--people 5000 --zones 4] [--host functions]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- keyed [--requests 3000 --clients 16]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- wake [--samples 40] [--every 3000] [--queue-poll 00:00:01]
/// dotnet run -c Release --project tests/Pipeline.Benchmarks -- worker  --storage CONN --hub NAME   (a worker process for the kill test)
/// </code>
/// Storage is a fresh in-memory Azurite on free ports unless <c>--storage</c> gives a connection string.
/// </summary>
internal static class BenchmarkCli
{
    public const string TokenSecret = "benchmark-token-secret-0123456789abcdef";

    public const string TokenHashKey = "benchmark-token-hash-key-0123456789abcdef";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: Pipeline.Benchmarks hello|fanout|latency|letters [--option value ...]");
            return 2;
        }

        var options = Options(args.Skip(1).ToArray());
        AzuriteProcess? azurite = null;
        var connection = options.GetValueOrDefault("storage");
        if (connection is null)
        {
            azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
            {
                Root = RepositoryRoot.Find() ?? throw new InvalidOperationException("Run inside the checkout."),
                BlobPort = AzuriteProcess.FreePort(),
                QueuePort = AzuriteProcess.FreePort(),
                TablePort = AzuriteProcess.FreePort(),
            });
            connection = azurite.ConnectionString;
        }

        try
        {
            var hub = options.GetValueOrDefault("hub") ?? "bench" + Guid.NewGuid().ToString("N")[..8];
            var set = StorageSet.Azure(new StorageOptions { ConnectionString = connection });
            var tables = new CountingTableStore(set.Tables);
            using var host = BuildHost(args[0], tables, set.Blobs, set.Queues, connection, hub, options);
            await host.StartAsync();
            var client = host.Services.GetRequiredService<HubClient>();
            var result = args[0] switch
            {
                "hello" => await HelloAsync(client, Int(options, "orchestrations", 1000), Int(options, "activities", 5), Int(options, "timers", 0)),
                "fanout" => await FanOutAsync(client, Int(options, "activities", 1000), Int(options, "timers", 0)),
                "latency" => await LatencyAsync(client, host.Services.GetRequiredService<FirstActivityClock>(), Int(options, "samples", 200), Int(options, "timers", 0)),
                "render" => RenderBenchmark.Run(Int(options, "letters", 500), options.ContainsKey("enclose")),
                "letters" => await LettersBenchmark.RunAsync(host.Services, Int(options, "people", 10_000), Int(options, "zones", 4), options.ContainsKey("reminders")),
                "letters-http" => await WaveLettersHttpBenchmark.RunAsync(connection, Int(options, "people", 5000), Int(options, "zones", 4), options.GetValueOrDefault("host") == "functions"),
                "keyed" => await KeyedBenchmark.RunAsync(host.Services, connection, Int(options, "requests", 3000), Int(options, "clients", 16)),
                "console" => await ConsoleBenchmark.RunAsync(host.Services, client, Int(options, "people", 430_000), Int(options, "zones", 77), Int(options, "waves", 20), Int(options, "runs", 5)),
                "import" => await ImportBenchmark.RunAsync(host.Services, client, Int(options, "people", 430_000), Int(options, "zones", 164)),
                "aggregates" => await AggregatesBenchmark.RunAsync(host.Services, Int(options, "responses", 2000)),
                "wake" => await WakeBenchmark.RunAsync(host.Services, Int(options, "samples", 40), Int(options, "every", 3000)),
                "nightly" => await NightlyBenchmark.RunAsync(host.Services, Int(options, "responses", 168_206), Int(options, "zones", 164), Int(options, "singles", 2000)),
                "responses" => await ResponsesBenchmark.RunAsync(host.Services, connection, Int(options, "submissions", 5000), [.. options.GetValueOrDefault("clients", "32,64").Split(',').Select(int.Parse)], options.GetValueOrDefault("host") == "functions"),
                _ => throw new ArgumentException($"Unknown scenario '{args[0]}'."),
            };
            Console.WriteLine(result);
            if (options.ContainsKey("breakdown"))
            {
                Console.WriteLine("requests: " + tables.Breakdown());
            }

            await host.StopAsync();
            return 0;
        }
        finally
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }
        }
    }

    private static IHost BuildHost(string scenario, ITableStore tables, IBlobStore blobs, IQueueStore queues, string connection, string hub, Dictionary<string, string> options)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(options.ContainsKey("verbose") ? LogLevel.Information : LogLevel.Error);
        const string hubSettings = TaskHubOptions.Section + ":";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connection,
            [hubSettings + "hubName"] = hub,
            [hubSettings + "maxConcurrentOrchestratorFunctions"] = options.GetValueOrDefault("orchestration-slots", "16"),
            [hubSettings + "maxConcurrentActivityFunctions"] = options.GetValueOrDefault("activity-slots", "32"),
            [hubSettings + "extendedSessionsEnabled"] = options.ContainsKey("sessions") ? "true" : "false",
            [hubSettings + "storageProvider:partitionCount"] = options.GetValueOrDefault("partitions", "1"),
            [hubSettings + "storageProvider:maxQueuePollingInterval"] = options.GetValueOrDefault("poll", "00:00:01"),
            [hubSettings + "storageProvider:controlQueueBatchSize"] = options.GetValueOrDefault("batch", "32"),
            [hubSettings + "storageProvider:useTablePartitionManagement"] = options.ContainsKey("blob-leases") ? "false" : "true",
            [hubSettings + "storageProvider:workItemQueueVisibilityTimeout"] = options.GetValueOrDefault("visibility", "00:01:00"),
            [hubSettings + "storageProvider:controlQueueVisibilityTimeout"] = options.GetValueOrDefault("visibility", "00:01:00"),
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = options.GetValueOrDefault("queue-poll", "00:00:01"),
            ["Responses:ReleaseSchedule"] = "0 0 * * * *",
            ["Aggregates:NightlySchedule"] = "0 0 2 * * *",
            ["Waves:TokenSecret"] = TokenSecret,
            ["Waves:TokenHashKey"] = TokenHashKey,
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ITableStore>(tables);
        builder.Services.AddSingleton(blobs);
        builder.Services.AddSingleton(queues);
        builder.Services.AddSingleton<FirstActivityClock>();
        builder.Services.AddTaskHub(BenchTasks.Register);
        builder.Services.AddWaves().AddResponses().AddAggregates().AddWaveTaskHub();
        builder.Services.AddProblemDetails();
        DurableClientSlot.AddDurableClientSlot(builder.Services);
        if (options.ContainsKey("queue-poll") || scenario == "wake")
        {
            // The local runner's timer and queue triggers, as command 1 runs them.
            builder.Services.AddHostedService<LocalTriggers>();
        }

        return builder.Build();
    }

    private static async Task<string> HelloAsync(DurableTaskClient client, int orchestrations, int activities, int timers)
    {
        await AddPendingTimersAsync(client, timers);
        var started = DateTimeOffset.UtcNow;
        await Parallel.ForAsync(0, orchestrations, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequenceN), activities, new StartOrchestrationOptions($"hello-{i:D6}"), ct));
        var finished = await WaitAllAsync(client, orchestrations, "hello-");

        // Timed to the last completion as stored, so that the slow polling of the wait costs the figure nothing.
        var seconds = (finished - started).TotalSeconds;
        var events = 2L * orchestrations * activities;
        return Figures($"hello: {orchestrations} orchestrations x {activities} activities ({events} history events), {timers} pending timers", seconds, events, "events");
    }

    private static async Task<string> FanOutAsync(DurableTaskClient client, int activities, int timers)
    {
        await AddPendingTimersAsync(client, timers);
        var clock = Stopwatch.StartNew();
        var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(FanOut), activities);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed || done.ReadOutputAs<int>() != activities)
        {
            throw new InvalidOperationException($"Fan-out ended {done.RuntimeStatus}: {done.FailureDetails}");
        }

        return Figures($"fanout: 1 orchestration x {activities} parallel activities, {timers} pending timers", clock.Elapsed.TotalSeconds, activities, "activities");
    }

    private static async Task<string> LatencyAsync(DurableTaskClient client, FirstActivityClock clock, int samples, int timers)
    {
        await AddPendingTimersAsync(client, timers);
        var latencies = new List<double>();
        for (var i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var id = await client.ScheduleNewOrchestrationInstanceAsync(nameof(HelloSequenceN), 1);
            while (!clock.FirstRun.TryGetValue(id, out _))
            {
                await Task.Delay(1);
            }

            latencies.Add(Stopwatch.GetElapsedTime(start, clock.FirstRun[id]).TotalMilliseconds);
            await client.WaitForInstanceCompletionAsync(id);
        }

        latencies.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"latency: start to first activity over {samples} sequential starts, {timers} pending timers: p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, max {latencies[^1]:0.0} ms");
    }

    /// <summary>
    /// Realistic backlog: <paramref name="count"/> other waves, each waiting on a timer three weeks ahead (a delayed
    /// control-queue message each); returns once every one of them waits.
    /// </summary>
    private static async Task AddPendingTimersAsync(DurableTaskClient client, int count)
    {
        if (count == 0)
        {
            return;
        }

        var clock = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(Sleeper), 21, new StartOrchestrationOptions($"sleeper-{i:D6}"), ct));
        while (await CountAsync(client, [OrchestrationRuntimeStatus.Running], "sleeper-") < count)
        {
            await Task.Delay(1000);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{count} instances wait on a timer 21 days ahead (set up in {clock.Elapsed.TotalSeconds:0.0} s)"));
    }

    private static async Task<int> CountAsync(DurableTaskClient client, OrchestrationRuntimeStatus[] statuses, string prefix) =>
        await client.GetAllInstancesAsync(new OrchestrationQuery { Statuses = statuses, InstanceIdPrefix = prefix, PageSize = 1000 }).CountAsync();

    /// <summary>Waits, polling every 2 s, until <paramref name="expected"/> instances finished; returns the last one's completion time.</summary>
    private static async Task<DateTimeOffset> WaitAllAsync(DurableTaskClient client, int expected, string prefix)
    {
        while (true)
        {
            await Task.Delay(2000);
            var done = await client.GetAllInstancesAsync(new OrchestrationQuery
            {
                Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed],
                InstanceIdPrefix = prefix,
                PageSize = 1000,
            }).ToListAsync();
            if (done.Any(i => i.RuntimeStatus == OrchestrationRuntimeStatus.Failed))
            {
                throw new InvalidOperationException("An orchestration failed.");
            }

            if (done.Count >= expected)
            {
                return done.Max(i => i.LastUpdatedAt);
            }
        }
    }

    private static string Figures(string what, double seconds, long units, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{what}: {seconds:0.00} s, {units / seconds:0} {unit}/s");

    private static double Percentile(List<double> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static int Int(Dictionary<string, string> options, string name, int fallback) =>
        options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    private static Dictionary<string, string> Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
                options[args[i][2..]] = hasValue ? args[++i] : "true";
            }
        }

        return options;
    }
}
