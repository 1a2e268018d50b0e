using System.Text.Json;
using System.Text.Json.Nodes;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Responses;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Tests;

/// <summary>Answers read straight from a stored record's JSON are the answers the record's own reader gives.</summary>
public sealed class ResponseFactsTests
{
    [Fact]
    public void FromJson_SameAsFromTheRecord_ChoicesNumbersListsNullsAndText()
    {
        var answers = new JsonObject
        {
            ["single"] = "3",
            ["number"] = 42,
            ["multiple"] = new JsonArray("a", "c"),
            ["skipped"] = null,
            ["text"] = "Een heel lange opmerking over de verlichting in onze straat, met \"aanhalingstekens\" en é.",
        };
        var record = new ResponseRecord("w", "vm-2026.1", "nl", "pz-1", "Gent", "Wijk 1", "25-34", "F", new DateOnly(2026, 3, 1), ResponseRecord.Web, answers);

        var read = JsonSerializer.Deserialize<ResponseFacts>(JsonSerializer.SerializeToUtf8Bytes(record, AppJson.Web), AppJson.Web)!;
        var expected = new ResponseFacts(record.Zone, record.Municipality, record.Neighbourhood, record.AgeBand, record.Sex, record.Day, AnswerJson.Read(record.Answers));

        Assert.Equal((expected.Zone, expected.Municipality, expected.Neighbourhood, expected.AgeBand, expected.Sex, expected.Day), (read.Zone, read.Municipality, read.Neighbourhood, read.AgeBand, read.Sex, read.Day));
        Assert.Equal(expected.Answers.Keys.Order(), read.Answers.Keys.Order());
        Assert.All(expected.Answers, a => Assert.Equal(a.Value, read.Answers[a.Key]));
        Assert.Equal(["42"], read.Answers["number"]);
    }

    [Theory]
    [InlineData("""{"answers": {"q": true}}""")]
    [InlineData("""{"answers": {"q": {"nested": 1}}}""")]
    [InlineData("""{"answers": ["q"]}""")]
    public void FromJson_AnswerOfAnotherShape_IsAJsonError(string json) =>
        Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<ResponseFacts>(json, AppJson.Web));
}
