using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipeline.Survey.Questionnaires;

/// <summary>Answers to and from JSON: a code or a text as a string, several codes as an array, a number as a number.</summary>
internal static class AnswerJson
{
    /// <summary>
    /// Reads <c>{ "id": value, ... }</c>. A value of the wrong JSON kind (an object, a nested array, a boolean, a
    /// fraction) is an error at <c>answers.{id}</c>; null means "no answer".
    /// </summary>
    public static Dictionary<string, IReadOnlyList<string>> Read(JsonElement answers, FieldErrors errors)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (answers.ValueKind != JsonValueKind.Object)
        {
            errors.Add("answers", "Give the answers as an object: { \"questionId\": answer, ... }.");
            return result;
        }

        foreach (var property in answers.EnumerateObject())
        {
            var values = property.Value.ValueKind switch
            {
                JsonValueKind.Null => [],
                JsonValueKind.Array when property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                    property.Value.EnumerateArray().Select(e => e.GetString()!).ToArray(),
                _ => Scalar(property.Value),
            };
            if (values is null)
            {
                errors.Add("answers." + property.Name, "Give a string, a whole number or an array of strings.");
            }
            else if (!result.TryAdd(property.Name, values))
            {
                errors.Add("answers." + property.Name, "This question is answered twice.");
            }
        }

        return result;
    }

    private static string[]? Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Number when value.TryGetInt32(out var n) => [n.ToString(CultureInfo.InvariantCulture)],
        _ => null,
    };

    /// <summary>Answers written by <see cref="Write"/> (a stored response), back as lists of strings.</summary>
    public static Dictionary<string, IReadOnlyList<string>> Read(JsonObject answers) =>
        answers.Where(a => a.Value is not null).ToDictionary(
            a => a.Key,
            a => a.Value is JsonArray array ? (IReadOnlyList<string>)[.. array.Select(v => v!.ToString())] : [a.Value!.ToString()],
            StringComparer.Ordinal);

    /// <summary>Checked answers as typed JSON, in questionnaire order.</summary>
    public static JsonObject Write(Questionnaire questionnaire, IReadOnlyDictionary<string, IReadOnlyList<string>> answers)
    {
        var result = new JsonObject();
        foreach (var question in questionnaire.Questions)
        {
            if (!answers.TryGetValue(question.Id, out var values))
            {
                continue;
            }

            result[question.Id] = question.Type switch
            {
                QuestionType.Multiple => new JsonArray([.. values.Select(v => JsonValue.Create(v))]),
                QuestionType.Number => JsonValue.Create(int.Parse(values[0], CultureInfo.InvariantCulture)),
                _ => JsonValue.Create(values[0]),
            };
        }

        return result;
    }
}
