using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Functions.Responses;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// What aggregation reads of a stored response: its area, age band and sex (for weighting), day, channel (web or
/// paper), and answers as codes. Read straight from a <see cref="ResponseRecord"/>'s JSON (other fields are skipped), without building a
/// JSON tree: a national wave's 168,206 responses are read this way.
/// </summary>
internal sealed record ResponseFacts(
    string Zone,
    string Municipality,
    string Neighbourhood,
    string AgeBand,
    string Sex,
    DateOnly Day,
    [property: JsonConverter(typeof(AnswerCodesConverter))] IReadOnlyDictionary<string, IReadOnlyList<string>> Answers,
    string? Channel = null)
{
    public bool OnPaper => Channel == ResponseRecord.Paper;
}

/// <summary>
/// Reads stored answers (<c>{"q": "code", "n": 42, "m": ["a", "b"], "x": null}</c>) as codes, like
/// <see cref="AnswerJson.Read(System.Text.Json.Nodes.JsonObject)"/>. Codes are shared, not allocated per response:
/// a wave repeats the same few thousand.
/// </summary>
internal sealed class AnswerCodesConverter : JsonConverter<IReadOnlyDictionary<string, IReadOnlyList<string>>>
{
    public override IReadOnlyDictionary<string, IReadOnlyList<string>> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var answers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var question = Code(ref reader);
            reader.Read();
            switch (reader.TokenType)
            {
                case JsonTokenType.Null:
                    continue;
                case JsonTokenType.StartArray:
                    var values = new List<string>(2);
                    while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                    {
                        values.Add(Value(ref reader));
                    }

                    answers[question] = values;
                    break;
                default:
                    answers[question] = [Value(ref reader)];
                    break;
            }
        }

        Expect(ref reader, JsonTokenType.EndObject);
        return answers;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, IReadOnlyList<string>> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);

    private static string Value(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String or JsonTokenType.Number => Code(ref reader),
        _ => throw new JsonException($"An answer is a string, a number or an array of them, not {reader.TokenType}."),
    };

    /// <summary>Short codes this process has seen, looked up by their characters without making a string first.</summary>
    private static readonly ConcurrentDictionary<string, string> Codes = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> CodesByChars = Codes.GetAlternateLookup<ReadOnlySpan<char>>();

    private static string Code(ref Utf8JsonReader reader)
    {
        Span<char> buffer = stackalloc char[64];
        if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > buffer.Length || Codes.Count > 100_000)
        {
            return reader.TokenType == JsonTokenType.Number ? Encoding.UTF8.GetString(reader.ValueSpan) : reader.GetString()!;
        }

        var chars = buffer[..Encoding.UTF8.GetChars(reader.ValueSpan, buffer)];
        if (CodesByChars.TryGetValue(chars, out var known))
        {
            return known;
        }

        var code = new string(chars);
        return Codes.GetOrAdd(code, code);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token)
    {
        if (reader.TokenType != token)
        {
            throw new JsonException($"Expected {token} in the answers, found {reader.TokenType}.");
        }
    }
}
