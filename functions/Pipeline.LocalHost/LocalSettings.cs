using System.Reflection;
using System.Text.Json;

namespace Pipeline.LocalHost;

/// <summary>
/// The app settings the local host hands the worker, as <c>func start</c> does: the <c>Values</c> of
/// <c>local.settings.json</c> (or of the committed sample, with a notice), then the host's environment variables, then
/// <c>--Key=value</c> arguments.
/// </summary>
internal static class LocalSettings
{
    public static Dictionary<string, string?> Load(string root, IEnumerable<string> args, TextWriter? notices = null)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var file = Path.Combine(root, "local.settings.json");
        if (!File.Exists(file))
        {
            file = Path.Combine(root, "local.settings.sample.json");
            (notices ?? Console.Out).WriteLine("local.settings.json not found; using local.settings.sample.json. Copy it to local.settings.json to change settings.");
        }

        if (File.Exists(file))
        {
            using var json = Parse(file);
            foreach (var value in json.RootElement.GetProperty("Values").EnumerateObject())
            {
                values[value.Name.Replace("__", ":", StringComparison.Ordinal)] = value.Value.ToString();
            }

            if (json.RootElement.TryGetProperty("Host", out var host) && host.TryGetProperty("LocalHttpPort", out var port))
            {
                values["Host:LocalHttpPort"] = port.ToString();
            }
        }

        // Every environment variable is an app setting too (the worker inherits them as well), A__B being A:B.
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            values[((string)variable.Key).Replace("__", ":", StringComparison.Ordinal)] = (string?)variable.Value;
        }

        foreach (var arg in args)
        {
            var pair = arg.TrimStart('-').Split('=', 2);
            if (pair.Length == 2)
            {
                values[pair[0].Replace("__", ":", StringComparison.Ordinal)] = pair[1];
            }
        }

        return values;
    }

    /// <summary>Where the host listens: <c>urls</c>, else http://localhost on <c>Host:LocalHttpPort</c> (default 7071), as <c>func start</c>.</summary>
    public static string Urls(IReadOnlyDictionary<string, string?> settings)
    {
        if (settings.GetValueOrDefault("urls") is { Length: > 0 } urls)
        {
            return urls;
        }

        var port = settings.GetValueOrDefault("Host:LocalHttpPort") ?? "7071";
        return int.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) && number is >= 1 and <= 65535
            ? $"http://localhost:{number}"
            : throw new InvalidOperationException($"Host:LocalHttpPort in local.settings.json must be a port number from 1 to 65535; it is '{port}'.");
    }

    private static JsonDocument Parse(string file)
    {
        try
        {
            return JsonDocument.Parse(File.ReadAllText(file));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>The worker app as this host's configuration built it: <c>functions/Pipeline.Functions/bin/{Configuration}/net10.0</c>.</summary>
    public static string BuiltApp(string root)
    {
        var configuration = typeof(LocalSettings).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(root, "functions", "Pipeline.Functions", "bin", configuration, "net10.0");
    }
}
