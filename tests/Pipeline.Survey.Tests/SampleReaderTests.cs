using Pipeline.Survey.Sample;

namespace Pipeline.Survey.Tests;

public sealed class SampleReaderTests
{
    private static readonly Waves.WaveDefinition Wave = SyntheticSample.Wave("w-test", 2, ["nl", "fr"], new DateOnly(2026, 3, 2));

    private static async Task<(List<SamplePerson> People, List<SampleError> Errors)> ReadAsync(string csv)
    {
        var people = new List<SamplePerson>();
        var errors = new List<SampleError>();
        await foreach (var (person, error) in new SampleReader(Wave).ReadAsync(new StringReader(csv)))
        {
            if (person is not null)
            {
                people.Add(person);
            }
            else
            {
                errors.Add(error!);
            }
        }

        return (people, errors);
    }

    private static string Csv(int count, char separator = ';')
    {
        var text = new StringWriter();
        SyntheticSample.WriteCsv(text, SyntheticSample.People(Wave, count, seed: 7));
        return separator == ';' ? text.ToString() : text.ToString().Replace(';', separator);
    }

    [Theory]
    [InlineData(';')]
    [InlineData(',')]
    public async Task ReadAsync_GeneratedFile_AllRowsAccepted(char separator)
    {
        var (people, errors) = await ReadAsync(Csv(500, separator));
        Assert.Empty(errors);
        Assert.Equal(500, people.Count);
        Assert.Equal(2, people.Select(p => p.Zone).Distinct().Count());
    }

    [Fact]
    public async Task ReadAsync_AreaNamesInOtherCaseUnicodeFormOrSpaces_CarryTheWavesSpelling()
    {
        var zone = Wave.Zones[0] with
        {
            Municipalities = [new Waves.Municipality { Name = "Stekene", Neighbourhoods = ["Centrum", "Élisabeth"] }, new Waves.Municipality { Name = "Temse" }],
        };
        var wave = Wave with { Zones = [zone] };
        var person = SyntheticSample.People(wave, 1, seed: 1).Single();
        var text = new StringWriter();
        SyntheticSample.WriteCsv(text, [
            person with { PersonReference = "a", Municipality = "STEKENE", Neighbourhood = "centrum" },
            person with { PersonReference = "b", Municipality = "  stekene ", Neighbourhood = "E\u0301LISABETH" },
            person with { PersonReference = "c", Municipality = "temse", Neighbourhood = string.Empty },
        ]);

        var read = new List<SamplePerson>();
        await foreach (var (p, error) in new SampleReader(wave).ReadAsync(new StringReader(text.ToString())))
        {
            Assert.Null(error);
            read.Add(p!);
        }

        Assert.Equal(["Stekene/Centrum", "Stekene/Élisabeth", "Temse/"], read.Select(p => $"{p.Municipality}/{p.Neighbourhood}"));
    }

    [Theory]
    [InlineData("zone", "zone-9", "Unknown zone 'zone-9'")]
    [InlineData("age_band", "10-14", "Under 15")]
    [InlineData("age_band", "15-99", "Unknown age band")]
    [InlineData("postcode", "84A", "Bad postcode")]
    [InlineData("language", "de", "Language 'de'")]
    [InlineData("name", "", "Missing field 'name'")]
    [InlineData("municipality", "Elders", "Municipality 'Elders' is not in zone")]
    [InlineData("neighbourhood", "Nergens", "Unknown neighbourhood 'Nergens'")]
    [InlineData("sex", "Q", "Unknown sex 'Q'")]
    public async Task ReadAsync_BadField_ReportsLineAndReason(string column, string value, string reason)
    {
        var lines = Csv(5).Split('\n').ToList();
        var header = lines[0].Split(';').ToList();
        var fields = lines[3].Split(';');
        fields[header.IndexOf(column)] = value;
        lines[3] = string.Join(';', fields);

        var (people, errors) = await ReadAsync(string.Join('\n', lines));

        var error = Assert.Single(errors);
        Assert.Equal(4, error.Line);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.Equal(4, people.Count);
    }

    [Fact]
    public async Task ReadAsync_DuplicatePerson_ReportedOnTheSecondLine()
    {
        var lines = Csv(3).TrimEnd('\n').Split('\n').ToList();
        lines.Add(lines[2]);
        var (_, errors) = await ReadAsync(string.Join('\n', lines));
        Assert.Equal(5, Assert.Single(errors).Line);
        Assert.Contains("Duplicate person", errors[0].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("person_ref;name\nP1;Anna\n", "Columns missing from the header: address_line1")]
    public async Task ReadAsync_BadHeader_OneErrorOnLine1(string csv, string reason)
    {
        var (people, errors) = await ReadAsync(csv);
        Assert.Empty(people);
        Assert.Equal(1, Assert.Single(errors).Line);
        Assert.Contains(reason, errors[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_ShortRowAndQuotedSeparator_Handled()
    {
        var lines = Csv(2).TrimEnd('\n').Split('\n').ToList();
        lines[1] = lines[1].Replace(lines[1].Split(';')[1], "\"De Smet; Anna\"", StringComparison.Ordinal);
        lines.Add("RR-short;Bart");
        var (people, errors) = await ReadAsync(string.Join('\n', lines));
        Assert.Equal("De Smet; Anna", people[0].Name);
        Assert.Equal(4, Assert.Single(errors).Line);
    }
}
