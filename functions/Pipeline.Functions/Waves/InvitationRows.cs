using Pipeline.Storage;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Sample;

namespace Pipeline.Functions.Waves;

/// <summary>The columns of a person's row in the <c>Sample</c> table, which is also the invitation store.</summary>
internal static class InvitationRows
{
    public const string Invited = "Invited";
    public const string Reminded = "Reminded";
    public const string Responded = "Responded";
    public const string OptedOut = "OptedOut";

    /// <summary>The letter came back undeliverable: no reminder, and out of the net sample.</summary>
    public const string Returned = "Returned";

    /// <summary>
    /// The columns a response copies for weighting and aggregates; the token row carries them too, so that a
    /// submission needs no read of the person's row.
    /// </summary>
    public static readonly IReadOnlyList<string> Weighting = ["Municipality", "Neighbourhood", "AgeBand", "Sex"];

    /// <summary>The columns that identify a person; removed when the wave's personal data is purged.</summary>
    public static readonly IReadOnlyList<string> Personal = ["PersonRef", "Name", "Address1", "Address2", "Postcode", "AgeBand", "Sex"];

    public static Dictionary<string, object> FromPerson(SamplePerson p) => new()
    {
        ["PersonRef"] = p.PersonReference,
        ["Name"] = p.Name,
        ["Address1"] = p.AddressLine1,
        ["Address2"] = p.AddressLine2,
        ["Postcode"] = p.Postcode,
        ["Municipality"] = p.Municipality,
        ["Neighbourhood"] = p.Neighbourhood,
        ["AgeBand"] = p.AgeBand,
        ["Sex"] = p.Sex,
    };

    public static bool Has(TableRow row, string flag) => row.Properties.TryGetValue(flag, out var value) && value is true;

    /// <summary>The letter for a person's row; the sequence is the row's place in its zone and language.</summary>
    public static Letter ToLetter(TableRow row, string language, string tokenDisplay, string tokenValue) => new(
        int.Parse(row.RowKey, System.Globalization.CultureInfo.InvariantCulture),
        language,
        row.GetString("Name")!,
        [row.GetString("Address1")!, row.GetString("Address2") ?? string.Empty],
        row.GetString("Postcode")!,
        row.GetString("Municipality")!,
        tokenDisplay,
        tokenValue);
}
