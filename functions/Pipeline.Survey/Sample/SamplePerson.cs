namespace Pipeline.Survey.Sample;

/// <summary>One sampled person, as the population register gives them. Personal data: never logged.</summary>
internal sealed record SamplePerson(
    string PersonReference,
    string Name,
    string AddressLine1,
    string AddressLine2,
    string Postcode,
    string Municipality,
    string Zone,
    string Neighbourhood,
    string Language,
    string AgeBand,
    string Sex)
{
    public override string ToString() => $"SamplePerson(zone {Zone}, {Language}, {AgeBand} {Sex})";
}

/// <summary>A row that was refused, by its line number in the file.</summary>
internal sealed record SampleError(long Line, string Reason);
