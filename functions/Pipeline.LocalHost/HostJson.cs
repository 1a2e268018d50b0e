using System.Text.Json;

namespace Pipeline.LocalHost;

/// <summary>
/// A section of the app's <c>host.json</c>, as the Functions host reads it: through configuration, where app settings
/// <c>AzureFunctionsJobHost:{section}:*</c> (environment <c>AzureFunctionsJobHost__...</c>) override the file. Keys are
/// relative to the section (<c>storageProvider:partitionCount</c> under <c>extensions:durableTask</c>).
/// </summary>
internal static class HostJson
{
    public static Dictionary<string, string> Section(string appDirectory, string section, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var path = Path.Combine(appDirectory, "host.json");
        if (File.Exists(path))
        {
            using var host = JsonDocument.Parse(File.ReadAllText(path));
            var element = host.RootElement;
            foreach (var name in section.Split(':'))
            {
                if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out element))
                {
                    element = default;
                    break;
                }
            }

            if (element.ValueKind == JsonValueKind.Object)
            {
                Flatten(element, string.Empty, values);
            }
        }

        var prefix = "AzureFunctionsJobHost:" + section + ":";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            if (value is not null && key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                values[key[prefix.Length..]] = value;
            }
        }

        return values;
    }

    private static void Flatten(JsonElement element, string prefix, Dictionary<string, string> values)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Object)
            {
                Flatten(property.Value, prefix + property.Name + ":", values);
            }
            else
            {
                values[prefix + property.Name] = property.Value.ToString();
            }
        }
    }
}
