using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CsvHelper;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Sample;

/// <summary>
/// Reads a sample file (UTF-8 CSV, ';' or ',') row by row and checks each row against the wave. Only the
/// row at hand and a 16-byte digest per person reference (to find duplicates) are held in memory.
/// </summary>
internal sealed partial class SampleReader(WaveDefinition wave)
{
    public static readonly IReadOnlyList<string> Columns =
        ["person_ref", "name", "address_line1", "address_line2", "postcode", "municipality", "zone", "neighbourhood", "language", "age_band", "sex"];

    private const int MaxField = 200;

    // Area names as the wave defines them, found by their case-, space- and Unicode-form-insensitive key.
    private readonly Dictionary<string, Dictionary<string, (string Name, Dictionary<string, string> Neighbourhoods)>> _zones = wave.Zones.ToDictionary(
        z => z.Id,
        z => z.Municipalities.ToDictionary(
            m => AreaKey(m.Name),
            m => (m.Name, m.Neighbourhoods.ToDictionary(AreaKey, n => n, StringComparer.OrdinalIgnoreCase)),
            StringComparer.OrdinalIgnoreCase),
        StringComparer.Ordinal);

    private readonly HashSet<UInt128> _seen = [];

    [GeneratedRegex(@"^\d{4}( ?[A-Z]{2})?$")]
    private static partial Regex Postcode();

    /// <summary>Each row in order: a person, or the reason the row is refused.</summary>
    public async IAsyncEnumerable<(SamplePerson? Person, SampleError? Error)> ReadAsync(TextReader text, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var csv = CsvReader.Create(text, CsvFiles.ReaderOptions(), leaveOpen: true);
        var any = await csv.ReadAsync(cancellationToken);
        if (csv.Headers is not { Count: > 0 })
        {
            yield return (null, new SampleError(1, "The file is empty; the first line must name the columns: " + string.Join(";", Columns) + "."));
            yield break;
        }

        var header = csv.Headers.Select(h => h.Trim().ToLowerInvariant()).ToList();
        var missing = Columns.Where(c => !header.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            yield return (null, new SampleError(1, $"Columns missing from the header: {string.Join(", ", missing)}. Expected: {string.Join(";", Columns)}."));
            yield break;
        }

        var index = Columns.ToDictionary(c => c, c => header.IndexOf(c), StringComparer.Ordinal);
        for (; any; any = await csv.ReadAsync(cancellationToken))
        {
            string Field(string column) => index[column] < csv.FieldCount ? csv.GetString(index[column]).Trim() : string.Empty;
            var person = new SamplePerson(
                Field("person_ref"), Field("name"), Field("address_line1"), Field("address_line2"), Field("postcode").ToUpperInvariant(),
                Field("municipality"), Field("zone"), Field("neighbourhood"), Field("language").ToLowerInvariant(), Field("age_band"), Field("sex").ToUpperInvariant());
            var (canonical, reason) = Check(person);
            yield return reason is null ? (canonical, null) : (null, new SampleError(csv.LineNumber, reason));
        }
    }

    /// <summary>The key under which an area name is found: trimmed, NFC, compared ignoring case.</summary>
    public static string AreaKey(string name) => name.Trim().Normalize(NormalizationForm.FormC);

    /// <summary>The person with the wave's own spelling of their municipality and neighbourhood, or why the row is refused.</summary>
    private (SamplePerson? Person, string? Reason) Check(SamplePerson p)
    {
        var reason = Refusal(p);
        if (reason is not null)
        {
            return (null, reason);
        }

        var (municipality, neighbourhoods) = _zones[p.Zone][AreaKey(p.Municipality)];
        return (p with { Municipality = municipality, Neighbourhood = neighbourhoods.GetValueOrDefault(AreaKey(p.Neighbourhood), p.Neighbourhood) }, null);
    }

    private string? Refusal(SamplePerson p)
    {
        foreach (var (column, value) in new[]
        {
            ("person_ref", p.PersonReference), ("name", p.Name), ("address_line1", p.AddressLine1), ("postcode", p.Postcode),
            ("municipality", p.Municipality), ("zone", p.Zone), ("language", p.Language), ("age_band", p.AgeBand), ("sex", p.Sex),
        })
        {
            if (value.Length == 0)
            {
                return $"Missing field '{column}'.";
            }
        }

        if (new[] { p.PersonReference, p.Name, p.AddressLine1, p.AddressLine2, p.Municipality, p.Neighbourhood }.Any(v => v.Length > MaxField))
        {
            return $"A field is longer than {MaxField} characters.";
        }

        if (!_zones.TryGetValue(p.Zone, out var municipalities))
        {
            return $"Unknown zone '{p.Zone}'; the wave has {string.Join(", ", _zones.Keys)}.";
        }

        if (!municipalities.TryGetValue(AreaKey(p.Municipality), out var municipality))
        {
            return $"Municipality '{p.Municipality}' is not in zone '{p.Zone}'.";
        }

        if (municipality.Neighbourhoods.Count > 0 && !municipality.Neighbourhoods.ContainsKey(AreaKey(p.Neighbourhood)))
        {
            return p.Neighbourhood.Length == 0
                ? $"Missing field 'neighbourhood'; {p.Municipality} has neighbourhoods."
                : $"Unknown neighbourhood '{p.Neighbourhood}' in {p.Municipality}.";
        }

        if (!Postcode().IsMatch(p.Postcode))
        {
            return $"Bad postcode '{p.Postcode}': give 4 digits (BE) or 4 digits and 2 letters (NL).";
        }

        if (!wave.Languages.Contains(p.Language))
        {
            return $"Language '{p.Language}' is not one of the wave's: {string.Join(", ", wave.Languages)}.";
        }

        if (Demography.IsUnder15(p.AgeBand))
        {
            return $"Under 15 (age band '{p.AgeBand}'): the survey samples people of 15 and over.";
        }

        if (!Demography.AgeBands.Contains(p.AgeBand))
        {
            return $"Unknown age band '{p.AgeBand}'; use {string.Join(", ", Demography.AgeBands)}.";
        }

        if (!Demography.Sexes.Contains(p.Sex))
        {
            return $"Unknown sex '{p.Sex}'; use {string.Join(" or ", Demography.Sexes)}.";
        }

        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(p.PersonReference));
        if (!_seen.Add(BitConverter.ToUInt128(digest)))
        {
            return "Duplicate person: this person_ref appeared on an earlier line.";
        }

        return null;
    }
}
