using System.Globalization;
using Microsoft.Extensions.Configuration.Memory;

namespace Pipeline.Functions.Configuration;

/// <summary>
/// Reads configuration the way the Functions host does: <c>host.json</c> under <c>AzureFunctionsJobHost</c>
/// (its log levels also feed <c>Logging:LogLevel</c>), and the <c>Values</c> of <c>local.settings.json</c>
/// flattened into keys (<c>A__B</c> is <c>A:B</c>). Both sit at the checkout's root. Environment variables
/// and the command line override them.
/// </summary>
internal static class FunctionsSettings
{
    public const string LocalSettings = "local.settings.json";
    public const string SampleSettings = "local.settings.sample.json";
    public const string HostJson = "host.json";

    public static WebApplicationBuilder AddFunctionsSettings(this WebApplicationBuilder builder, string root)
    {
        // Lowest priority: the Functions host lets real environment variables win over local.settings.json.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = Load(root, Console.Out) });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]))
        {
            var port = builder.Configuration["Host:LocalHttpPort"] ?? "7071";
            if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)
            {
                throw new InvalidOperationException($"Host:LocalHttpPort in {LocalSettings} must be a port number from 1 to 65535; it is '{port}'.");
            }

            builder.WebHost.UseUrls($"http://localhost:{number}");
        }

        return builder;
    }

    /// <summary>The flattened settings from <paramref name="root"/>; a notice goes to <paramref name="notices"/> when the sample stands in.</summary>
    internal static Dictionary<string, string?> Load(string root, TextWriter notices)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            // The app settings that timer triggers name (%...%), at their options' defaults; on Azure, infra/ sets them.
            ["Responses:ReleaseSchedule"] = new Responses.ResponseOptions().ReleaseSchedule,
            ["Aggregates:NightlySchedule"] = new Aggregates.AggregateOptions().NightlySchedule,
        };
        var hostJson = Path.Combine(root, HostJson);
        if (File.Exists(hostJson))
        {
            foreach (var (key, value) in Flatten(hostJson))
            {
                values["AzureFunctionsJobHost:" + key] = value;
                if (key.StartsWith("logging:logLevel:", StringComparison.OrdinalIgnoreCase))
                {
                    values["Logging:LogLevel:" + key["logging:logLevel:".Length..].Replace("default", "Default", StringComparison.OrdinalIgnoreCase)] = value;
                }
            }
        }

        var settings = Path.Combine(root, LocalSettings);
        if (!File.Exists(settings))
        {
            settings = Path.Combine(root, SampleSettings);
            if (!File.Exists(settings))
            {
                return values;
            }

            notices.WriteLine($"{LocalSettings} not found; using {SampleSettings}. Copy it to {LocalSettings} to change settings.");
        }

        foreach (var (key, value) in Flatten(settings))
        {
            if (key.StartsWith("Values:", StringComparison.OrdinalIgnoreCase))
            {
                values[key["Values:".Length..].Replace("__", ":", StringComparison.Ordinal)] = value;
            }
            else if (key.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))
            {
                values[key] = value;
            }
        }

        return values;
    }

    /// <summary>
    /// Every value of the committed sample settings: public, so never a secret outside Development. Read from the copy
    /// embedded at build time, so the published app knows them where the file is not deployed (Azure).
    /// </summary>
    internal static HashSet<string> SampleValues()
    {
        using var sample = typeof(FunctionsSettings).Assembly.GetManifestResourceStream(SampleSettings)
            ?? throw new InvalidOperationException($"{SampleSettings} is not embedded in the app.");
        return new ConfigurationBuilder().AddJsonStream(sample).Build().AsEnumerable()
            .Select(p => p.Value).OfType<string>().Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    private static List<KeyValuePair<string, string?>> Flatten(string path)
    {
        try
        {
            return new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build().AsEnumerable()
                .Where(p => p.Value is not null)
                .ToList();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidOperationException($"{Path.GetFileName(path)} is not valid JSON: {e.InnerException?.Message ?? e.Message}", e);
        }
    }
}
