using System.Reflection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pipeline.Functions.Http;

/// <summary><c>GET /api/health</c>: the host's version and whether blob, table and queue storage answer.</summary>
internal static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/api/health", new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            ResultStatusCodes = { [HealthStatus.Healthy] = 200, [HealthStatus.Degraded] = 200, [HealthStatus.Unhealthy] = 503 },
        }).WithTags("Health");
        return routes;
    }

    public static string Version { get; } =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    private static Task WriteAsync(HttpContext context, HealthReport report) =>
        context.Response.WriteAsJsonAsync(new HealthResponse(
            report.Status == HealthStatus.Unhealthy ? "unhealthy" : "ok",
            Version,
            report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : e.Value.Description ?? e.Value.Exception?.Message ?? "failed"),
            (long)report.TotalDuration.TotalMilliseconds));
}

internal sealed record HealthResponse(string Status, string Version, IReadOnlyDictionary<string, string> Storage, long DurationMs);
