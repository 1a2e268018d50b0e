using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Storage.Emulator;
using Pipeline.Survey.Sample;

namespace Pipeline.Benchmarks;

/// <summary>
/// The cost of admitting a request (<c>KeyFilter</c>: the key, the principal header, the scope, the role's audit note):
/// <c>requests</c> GETs of the waves' list with the operator's key, by <c>clients</c> clients at once, over HTTP to the app
/// in its own process (the local runner); against the same number of <c>GET /api/health</c> (no key, no storage) and, as
/// the Azurite ceiling the list rests on, the same number of queries of the waves' table made directly, with as many
/// clients, in the same run.
/// </summary>
internal static class KeyedBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, string connection, int requests, int clients)
    {
        var port = AzuriteProcess.FreePort();
        using var host = ResponsesBenchmark.StartHost(connection, port, functionsHost: false);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await ResponsesBenchmark.WaitHealthyAsync(http, host);
        var wave = SyntheticSample.Wave("benchkeyed-" + Guid.NewGuid().ToString("N")[..8], 2, ["nl"], DateOnly.FromDateTime(DateTime.UtcNow));
        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/waves") { Content = JsonContent.Create(wave, options: new JsonSerializerOptions(JsonSerializerDefaults.Web)) };
        create.Headers.Add("x-functions-key", "benchmark-operator-key-0123456789");
        (await http.SendAsync(create)).EnsureSuccessStatusCode();

        async Task<double> RateAsync(Func<Task> call)
        {
            var index = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (Interlocked.Increment(ref index) < requests)
                {
                    await call();
                }
            })));
            return requests / clock.Elapsed.TotalSeconds;
        }

        async Task GetAsync(string path, bool keyed)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (keyed)
            {
                request.Headers.Add("x-functions-key", "benchmark-operator-key-0123456789");
            }

            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path}: {response.StatusCode}");
            }
        }

        await RateAsync(() => GetAsync("/api/waves", keyed: true)); // warm-up
        var keyedRate = await RateAsync(() => GetAsync("/api/waves", keyed: true));
        var healthRate = await RateAsync(() => GetAsync("/api/health", keyed: false));
        var tables = services.GetRequiredService<ITableStore>();
        var ceiling = await RateAsync(async () => await tables.QueryAsync(WaveStore.WavesTable, TableQuery.All));
        return $"keyed: {requests} requests by {clients} clients: GET /api/waves with the operator's key {keyedRate:F0} req/s; GET /api/health {healthRate:F0} req/s; " +
            $"Azurite ceiling (a query of the waves' table, direct) {ceiling:F0} queries/s; ratio keyed/ceiling {keyedRate / ceiling:F2}";
    }
}
