using System.Globalization;
using CsvHelper;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Sample;

/// <summary>Made-up sample files and waves, for the demo, the tests and the benchmarks. Reproducible from a seed.</summary>
internal static class SyntheticSample
{
    private static readonly string[] GivenNames = ["Anna", "Bart", "Chloé", "Dirk", "Els", "Fatima", "Geert", "Hanne", "Jonas", "Karim", "Lotte", "Marie", "Noah", "Olivia", "Pieter", "Sofie", "Thomas", "Yasmine"];
    private static readonly string[] FamilyNames = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Dubois", "Lambert", "Müller", "El Amrani"];
    private static readonly string[] Streets = ["Kerkstraat", "Stationsstraat", "Dorpsstraat", "Rue de la Gare", "Nieuwstraat", "Molenstraat", "Zeedijk", "Hauptstraße"];

    /// <summary>A wave over <paramref name="zones"/> zones of three municipalities with neighbourhoods each.</summary>
    public static WaveDefinition Wave(string id, int zones, IReadOnlyList<string> languages, DateOnly invitation) => new()
    {
        Id = id,
        Title = $"Veiligheidsmonitor {invitation.Year} – demo",
        Zones = [.. Enumerable.Range(1, zones).Select(z => new Zone
        {
            Id = $"zone-{z}",
            Name = $"PZ Demo {z}",
            Municipalities = [.. Enumerable.Range(1, 3).Select(m => new Municipality
            {
                Name = $"Gemeente {z}.{m}",
                Neighbourhoods = [.. Enumerable.Range(1, 3).Select(n => $"Wijk {z}.{m}.{n}")],
            })],
            Margins = [.. Demography.AgeBands.SelectMany(a => Demography.Sexes.Select(s => new Margin(a, s, 1000 + (a.Length * 137) + (s == "F" ? 40 : 0))))],
        })],
        Languages = languages,
        QuestionnaireVersion = "vm-2026.1",
        SurveyBaseUrl = "http://localhost:7071",
        InvitationDate = invitation,
        Contact = new Contact { Phone = "+32 2 000 00 00", Email = "veiligheidsmonitor@example.be" },
    };

    /// <summary><paramref name="count"/> people spread over the wave's zones, municipalities, neighbourhoods and languages.</summary>
    public static IEnumerable<SamplePerson> People(WaveDefinition wave, int count, int seed)
    {
        var random = new Random(seed);
        var places = wave.Zones.SelectMany(z => z.Municipalities.SelectMany(m => m.Neighbourhoods.Select(n => (Zone: z.Id, Municipality: m.Name, Neighbourhood: n)))).ToList();
        for (var i = 0; i < count; i++)
        {
            var place = places[i % places.Count];
            yield return new SamplePerson(
                PersonReference: $"RR{seed}-{i:D7}",
                Name: $"{GivenNames[random.Next(GivenNames.Length)]} {FamilyNames[random.Next(FamilyNames.Length)]}",
                AddressLine1: $"{Streets[random.Next(Streets.Length)]} {random.Next(1, 250).ToString(CultureInfo.InvariantCulture)}",
                AddressLine2: string.Empty,
                Postcode: (8400 + (places.IndexOf(place) % 90)).ToString(CultureInfo.InvariantCulture),
                Municipality: place.Municipality,
                Zone: place.Zone,
                Neighbourhood: place.Neighbourhood,
                Language: wave.Languages[random.Next(wave.Languages.Count)],
                AgeBand: Demography.AgeBands[random.Next(Demography.AgeBands.Count)],
                Sex: Demography.Sexes[random.Next(Demography.Sexes.Count)]);
        }
    }

    /// <summary>Writes people as a sample file, ';'-separated, with the header; fields are quoted where they need it.</summary>
    public static void WriteCsv(TextWriter writer, IEnumerable<SamplePerson> people)
    {
        using var csv = CsvWriter.Create(writer, new CsvWriterOptions { Separator = ';', NewLine = "\n" }, leaveOpen: true);
        foreach (var column in SampleReader.Columns)
        {
            csv.WriteField(column);
        }

        csv.EndRecord();
        foreach (var p in people)
        {
            foreach (var field in new[] { p.PersonReference, p.Name, p.AddressLine1, p.AddressLine2, p.Postcode, p.Municipality, p.Zone, p.Neighbourhood, p.Language, p.AgeBand, p.Sex })
            {
                csv.WriteField(field);
            }

            csv.EndRecord();
        }

        csv.Flush();
    }
}
