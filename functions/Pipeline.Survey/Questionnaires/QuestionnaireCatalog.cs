using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Survey.Questionnaires;

/// <summary>
/// The questionnaire versions that ship with the product, embedded from <c>Questionnaires/*.json</c>. Each is
/// checked by <see cref="QuestionnaireRules"/> when loaded: a broken definition fails at start-up, not on a form.
/// </summary>
internal static class QuestionnaireCatalog
{
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly Lazy<IReadOnlyDictionary<string, Questionnaire>> All = new(Load);

    public static IReadOnlyCollection<string> Versions => All.Value.Keys.ToArray();

    public static Questionnaire? Find(string? version) =>
        version is not null && All.Value.TryGetValue(version, out var q) ? q : null;

    private static Dictionary<string, Questionnaire> Load()
    {
        var assembly = typeof(QuestionnaireCatalog).Assembly;
        var result = new Dictionary<string, Questionnaire>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("Questionnaires.", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            var questionnaire = JsonSerializer.Deserialize<Questionnaire>(stream, Json)
                ?? throw new InvalidDataException($"{name} is empty.");
            var errors = QuestionnaireRules.Validate(questionnaire);
            if (errors.Count > 0)
            {
                throw new InvalidDataException($"{name} is not a valid questionnaire: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
            }

            result.Add(questionnaire.Version, questionnaire);
        }

        return result;
    }
}
