using System.Text.Json.Nodes;

namespace Pipeline.Functions.Responses;

/// <summary>
/// One anonymous response, as the response store keeps it. It holds what weighting and aggregates need and no
/// more: no token or hash of it, no person reference, no address, no IP address, and no time finer than the day.
/// </summary>
internal sealed record ResponseRecord(
    string Wave,
    string Questionnaire,
    string Language,
    string Zone,
    string Municipality,
    string Neighbourhood,
    string AgeBand,
    string Sex,
    DateOnly Day,
    string Channel,
    JsonObject Answers)
{
    /// <summary>How records and waiting submissions are written: camelCase, as every JSON of the API.</summary>

    public const string Web = "web";
    public const string Paper = "paper";
}

/// <summary>
/// A stored submission waiting for its release, sealed in its token row: where its response goes (a random
/// name), and whose invitation row learns "responded".
/// </summary>
internal sealed record PendingResponse(string BlobName, string SamplePartition, string SampleRow, ResponseRecord Response);

/// <summary>A respondent's unfinished answers, kept between visits of the form.</summary>
internal sealed record Draft(string Language, Dictionary<string, IReadOnlyList<string>> Answers);
