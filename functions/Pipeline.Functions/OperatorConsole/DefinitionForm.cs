using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Survey;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.OperatorConsole;

/// <summary>
/// A wave's definition as a form of fields, and its areas as CSV (<c>zone;zone_name;municipality;neighbourhood</c>, one
/// line per neighbourhood, ';' or ','): read into a <see cref="WaveDefinition"/> for the API's own validation, whose
/// messages go back to the field they concern.
/// </summary>
internal static class DefinitionForm
{
    /// <summary>The fields, in the order of the form; the API's error keys name them (a zone's errors go to <c>areas</c>).</summary>
    public static readonly IReadOnlyList<string> Fields =
        ["id", "title", "languages", "questionnaireVersion", "surveyBaseUrl", "invitationDate", "reminderDelayDays", "closeDate", "retentionDays", "contact.phone", "contact.email", "areas"];

    private static readonly string[] AreaColumns = ["zone", "zone_name", "municipality", "neighbourhood"];

    /// <summary>The definition the form gives, and the errors of what cannot even be read (a date, a number, the areas).</summary>
    public static async Task<(WaveDefinition Definition, Dictionary<string, string[]> Errors)> ReadAsync(IFormCollection form, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        string Text(string name) => form[name].FirstOrDefault()?.Trim() ?? string.Empty;
        int Number(string name, int fallback)
        {
            var text = Text(name);
            if (text.Length == 0)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                return value;
            }

            errors[name] = ["Give a whole number."];
            return fallback;
        }

        DateOnly? Date(string name)
        {
            var text = Text(name);
            if (text.Length == 0)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            {
                return value;
            }

            errors[name] = ["Give a date as yyyy-MM-dd."];
            return null;
        }

        var defaults = new WaveDefinition();
        var definition = new WaveDefinition
        {
            Id = Text("id"),
            Title = Text("title"),
            Languages = [.. form["languages"].OfType<string>()],
            QuestionnaireVersion = Text("questionnaireVersion"),
            SurveyBaseUrl = Text("surveyBaseUrl"),
            InvitationDate = Date("invitationDate") ?? default,
            ReminderDelayDays = Number("reminderDelayDays", defaults.ReminderDelayDays),
            CloseDate = Date("closeDate"),
            RetentionDays = Number("retentionDays", defaults.RetentionDays),
            Contact = new Contact { Phone = Text("contact.phone"), Email = Text("contact.email") },
            Zones = await ZonesAsync(Text("areas"), errors, ct),
        };
        return (definition, errors);
    }

    /// <summary>The zones of the areas' CSV; its problems go to <c>areas</c>, by line.</summary>
    private static async Task<IReadOnlyList<Zone>> ZonesAsync(string csvText, Dictionary<string, string[]> errors, CancellationToken ct)
    {
        if (csvText.Length == 0)
        {
            return [];
        }

        await using var csv = CsvReader.Create(new StringReader(csvText), CsvFiles.ReaderOptions());
        var rows = new List<(string Zone, string Name, string Municipality, string Neighbourhood)>();
        var problems = new List<string>();
        while (await csv.ReadAsync(ct))
        {
            var header = csv.Headers?.Select(h => h.Trim().ToLowerInvariant()).ToList() ?? [];
            if (AreaColumns.FirstOrDefault(c => !header.Contains(c)) is { } missing)
            {
                errors["areas"] = [$"Line 1 must name the columns {string.Join(";", AreaColumns)}; '{missing}' is missing."];
                return [];
            }

            var values = AreaColumns.Select(c => csv.GetString(header.IndexOf(c)).Trim()).ToArray();
            if (values.Any(v => v.Length == 0))
            {
                problems.Add($"Line {csv.LineNumber}: every column needs a value.");
                continue;
            }

            rows.Add((values[0], values[1], values[2], values[3]));
        }

        if (problems.Count > 0)
        {
            errors["areas"] = [.. problems.Take(20)];
        }

        return [.. rows.GroupBy(r => r.Zone, StringComparer.Ordinal).Select(zone => new Zone
        {
            Id = zone.Key,
            Name = zone.First().Name,
            Municipalities = [.. zone.GroupBy(r => r.Municipality, StringComparer.Ordinal).Select(m => new Municipality
            {
                Name = m.Key,
                Neighbourhoods = [.. m.Select(r => r.Neighbourhood).Distinct(StringComparer.Ordinal)],
            })],
        })];
    }

    /// <summary>The API's refusal as errors per field of this form.</summary>
    public static Dictionary<string, string[]> ErrorsOf(IResult result) => result switch
    {
        ValidationProblem v => v.ProblemDetails.Errors
            .GroupBy(e => Field(e.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value.Select(m => g.Key == "areas" && e.Key != "zones" ? $"{e.Key}: {m}" : m)).ToArray(), StringComparer.Ordinal),
        ProblemHttpResult p => new Dictionary<string, string[]>(StringComparer.Ordinal) { ["id"] = [p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? string.Empty] },
        _ => [],
    };

    private static string Field(string key) =>
        key.StartsWith("zones", StringComparison.Ordinal) ? "areas"
        : key.StartsWith("languages", StringComparison.Ordinal) ? "languages"
        : Fields.Contains(key) ? key
        : "areas";

    /// <summary>The versions a wave may use, for the form's choice.</summary>
    public static IEnumerable<string> Versions => QuestionnaireCatalog.Versions.Order(StringComparer.Ordinal);
}
