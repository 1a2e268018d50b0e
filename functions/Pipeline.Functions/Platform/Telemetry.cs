using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.Azure.Functions.Worker;

namespace Pipeline.Functions.Platform;

/// <summary>
/// The worker's telemetry on Azure: logs, requests and dependencies to Application Insights
/// (<c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>), through <see cref="TelemetryScrubber"/>. The worker's
/// log filters (<see cref="PrivacyLogging"/>) apply to Application Insights as to any log provider.
/// </summary>
internal static class Telemetry
{
    public static IHostApplicationBuilder AddFunctionsTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddApplicationInsightsTelemetryWorkerService().ConfigureFunctionsApplicationInsights();
        builder.Services.AddApplicationInsightsTelemetryProcessor<TelemetryScrubber>();
        return builder;
    }
}

/// <summary>
/// Takes out of every telemetry item what could name a respondent or a citizen before it leaves the process:
/// the client's IP address, every query string (keys in <c>code</c>, languages, continuation tokens), the access
/// token in a form's path (<c>/s/{token}</c>), and, in calls to storage, everything after the container, table
/// or queue (row keys, blob names). Exception messages are kept: the app's own name no row key or token (issue 12).
/// </summary>
internal sealed class TelemetryScrubber(ITelemetryProcessor next) : ITelemetryProcessor
{
    public const string Token = "{token}";

    public void Process(ITelemetry item)
    {
        item.Context.Location.Ip = "0.0.0.0";
        switch (item)
        {
            case RequestTelemetry request:
                request.Url = request.Url is null ? null : new Uri(Page(request.Url.GetLeftPart(UriPartial.Path)));
                request.Name = Page(request.Name);
                break;
            case DependencyTelemetry dependency:
                dependency.Data = FirstSegment(dependency.Data);
                dependency.Name = FirstSegment(dependency.Name);
                break;
        }

        if (item is ISupportProperties withProperties)
        {
            foreach (var key in withProperties.Properties.Keys.Where(IsAddress).ToList())
            {
                withProperties.Properties[key] = Page(withProperties.Properties[key]);
            }
        }

        next.Process(item);
    }

    /// <summary>A path or URL with the token of <c>/s/{token}</c> replaced and the query dropped.</summary>
    public static string Page(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var query = text.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? text : text[..query];
        var form = path.IndexOf("/s/", StringComparison.OrdinalIgnoreCase);
        return form < 0 ? path : path[..(form + 3)] + Token;
    }

    /// <summary>A storage call's URL or name, up to its first path segment (the container, table or queue).</summary>
    public static string FirstSegment(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            var first = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
            return $"{uri.Scheme}://{uri.Authority}/{Container(first)}";
        }

        // "GET /table(PartitionKey='x',RowKey='y')" or "PUT container/blob": the verb and the first segment.
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        var verb = space < 0 ? string.Empty : text[..(space + 1)];
        var rest = (space < 0 ? text : text[(space + 1)..]).TrimStart('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        return verb + "/" + Container(slash < 0 ? rest : rest[..slash]);
    }

    private static bool IsAddress(string property) =>
        property.Contains("url", StringComparison.OrdinalIgnoreCase) || property.Contains("path", StringComparison.OrdinalIgnoreCase) || property.Contains("query", StringComparison.OrdinalIgnoreCase);

    private static string Container(string segment)
    {
        var cut = segment.IndexOfAny(['(', '?']);
        return cut < 0 ? segment : segment[..cut];
    }
}
