using Microsoft.Extensions.Configuration.Memory;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;

namespace Pipeline.InProcess;

/// <summary>
/// What the Functions host hands the worker from <c>host.json</c>: its sections under <c>AzureFunctionsJobHost</c> (its
/// log levels also feed <c>Logging:LogLevel</c>), and the timer schedules' app settings at their defaults (on Azure,
/// <c>infra/</c> sets them). Lowest priority: the test's own settings win.
/// </summary>
internal static class FunctionsSettings
{
    public const string HostJson = "host.json";

    public static WebApplicationBuilder AddFunctionsSettings(this WebApplicationBuilder builder, string root)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Load(root) });
        return builder;
    }

    internal static Dictionary<string, string?> Load(string root)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["Responses:ReleaseSchedule"] = new ResponseOptions().ReleaseSchedule,
            ["Aggregates:NightlySchedule"] = new AggregateOptions().NightlySchedule,
        };
        var hostJson = Path.Combine(root, HostJson);
        if (!File.Exists(hostJson))
        {
            return values;
        }

        List<KeyValuePair<string, string?>> pairs;
        try
        {
            pairs = new ConfigurationBuilder().AddJsonFile(hostJson, optional: false, reloadOnChange: false).Build().AsEnumerable().Where(p => p.Value is not null).ToList();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"{HostJson} is not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }

        foreach (var (key, value) in pairs)
        {
            values["AzureFunctionsJobHost:" + key] = value;
            if (key.StartsWith("logging:logLevel:", StringComparison.OrdinalIgnoreCase))
            {
                values["Logging:LogLevel:" + key["logging:logLevel:".Length..].Replace("default", "Default", StringComparison.OrdinalIgnoreCase)] = value;
            }
        }

        return values;
    }
}
