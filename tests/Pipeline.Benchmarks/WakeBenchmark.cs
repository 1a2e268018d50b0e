using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Responses;
using Pipeline.Storage;

namespace Pipeline.Benchmarks;

/// <summary>
/// How soon a recompute request is taken: a request (row and wake-up message, as a release writes them) every
/// <c>every</c> ms on average (uniformly from half to one and a half times, so requests fall at every phase of the
/// polling), <c>samples</c> times; the time until the queue-triggered function, run by the local runner's
/// queue loop with host.json's polling, has taken the row. The wave does not exist, so the recompute itself is
/// nothing: this is the wake-up latency alone.
/// </summary>
internal static class WakeBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, int samples, int every)
    {
        var requests = services.GetRequiredService<RecomputeRequests>();
        var tables = services.GetRequiredService<ITableStore>();
        var waits = new List<double>();
        var pause = new Random(7);
        for (var i = 0; i < samples; i++)
        {
            var wave = "wake-" + Guid.NewGuid().ToString("N")[..12];
            var clock = Stopwatch.StartNew();
            await requests.AddAsync(wave, default);
            while (await tables.TryGetAsync(RecomputeRequests.Table, "wave", wave, default) is not null)
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new TimeoutException($"Request {i} was not taken within 30 s.");
                }

                await Task.Delay(10);
            }

            waits.Add(clock.Elapsed.TotalMilliseconds);
            await Task.Delay(pause.Next(every / 2, every * 3 / 2));
        }

        waits.Sort();
        return string.Create(CultureInfo.InvariantCulture, $"wake: {samples} requests, one every {every} ms on average: p50 {waits[waits.Count / 2]:F0} ms, p90 {waits[(int)(waits.Count * 0.9)]:F0} ms, max {waits[^1]:F0} ms");
    }
}
