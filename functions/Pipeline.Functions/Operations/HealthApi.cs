using System.Reflection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Pipeline.Functions.Http;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>GET /api/health</c>: public, it answers only up (200 <c>{status: "ok"}</c>) or down (503 <c>{status: "unhealthy"}</c>);
/// with an operator's key it also gives the version and each storage service's state. The checks run at most every
/// <see cref="HealthCache.Lifetime"/> (5 s), however often it is asked.
/// </summary>
internal static class HealthApi
{
    public static string Version { get; } =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    internal static async Task<IResult> GetAsync(HttpContext http, HealthCache cache, FailedKeys failures, CancellationToken ct)
    {
        var report = await cache.GetAsync(ct);
        var status = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
        var word = status == StatusCodes.Status200OK ? "ok" : "unhealthy";
        var given = FailedKeys.Presented(http.Request);
        if (given is not null && failures.LockedOut(http, out var retry))
        {
            return TooManyRequests.Answer(http, retry, "your address after repeated wrong keys");
        }

        var role = given is null ? null : failures.Find(http, given)?.Role;

        return role == Role.Operator
            ? TypedResults.Json(new HealthResponse(
                word,
                Version,
                report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : e.Value.Description ?? e.Value.Exception?.Message ?? "failed"),
                (long)report.TotalDuration.TotalMilliseconds), statusCode: status)
            : TypedResults.Json(new PublicHealth(word), statusCode: status);
    }
}

/// <summary>The last health report, run again only once it is older than <see cref="Lifetime"/>.</summary>
internal sealed class HealthCache(HealthCheckService health, TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private (HealthReport Report, DateTimeOffset At)? _last;

    public async Task<HealthReport> GetAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_last is not { } last || time.GetUtcNow() - last.At >= Lifetime)
            {
                _last = last = (await health.CheckHealthAsync(cancellationToken), time.GetUtcNow());
            }

            return last.Report;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}

internal sealed record PublicHealth(string Status);

internal sealed record HealthResponse(string Status, string Version, IReadOnlyDictionary<string, string> Storage, long DurationMs);
