namespace Pipeline.Survey.Letters;

/// <summary>One letter to print: who it goes to and the token on it. Personal data: never logged.</summary>
internal sealed record Letter(
    int Sequence,
    string Language,
    string Name,
    IReadOnlyList<string> AddressLines,
    string Postcode,
    string Municipality,
    string TokenDisplay,
    string TokenValue)
{
    public override string ToString() => $"Letter #{Sequence} ({Language})";
}

/// <summary>What all letters of one batch share.</summary>
internal sealed record LetterBatch(
    LetterKind Kind,
    string WaveTitle,
    string ZoneName,
    string SurveyBaseUrl,
    DateOnly LetterDate,
    DateOnly CloseDate,
    string ContactPhone,
    string ContactEmail,
    string FileName,
    Questionnaires.Questionnaire? Enclosed = null);
