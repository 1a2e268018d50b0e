using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Tests;

/// <summary>The stratified draw: allocation per zone and stratum, and reproducibility from the seed.</summary>
public sealed class SampleDrawTests
{
    private static readonly WaveDefinition Wave = SyntheticSample.Wave("draw", 3, ["nl", "fr"], new DateOnly(2026, 1, 5));

    private static Func<TextReader> Extract(IEnumerable<SamplePerson> people)
    {
        var text = new StringWriter();
        SyntheticSample.WriteCsv(text, people);
        var csv = text.ToString();
        return () => new StringReader(csv);
    }

    [Fact]
    public async Task Draw_SameSeed_SameSampleWhateverTheRowOrder_OtherSeedOtherSample()
    {
        var people = SyntheticSample.People(Wave, 6000, seed: 3).ToList();
        var first = await SampleDraw.DrawAsync(Wave, Extract(people), 42, 500, null, default);
        var shuffled = await SampleDraw.DrawAsync(Wave, Extract(people.OrderBy(p => p.Name).ThenByDescending(p => p.PersonReference)), 42, 500, null, default);
        var other = await SampleDraw.DrawAsync(Wave, Extract(people), 43, 500, null, default);

        Assert.Equal(first.People.Select(p => p.PersonReference).Order(), shuffled.People.Select(p => p.PersonReference).Order());
        Assert.NotEqual(first.People.Select(p => p.PersonReference).Order(), other.People.Select(p => p.PersonReference).Order());
        Assert.Equal(first.People.Count, first.People.Select(p => p.PersonReference).Distinct().Count());
    }

    [Fact]
    public async Task Draw_PerZone_SpreadOverStrataByPopulation_SmallZoneTakesEveryone()
    {
        // Zone 3 has only some 120 people: fewer than the 500 asked.
        var people = SyntheticSample.People(Wave, 6000, seed: 5).Where(p => p.Zone != "zone-3").Concat(SyntheticSample.People(Wave, 360, seed: 6).Where(p => p.Zone == "zone-3")).ToList();
        var draw = await SampleDraw.DrawAsync(Wave, Extract(people), 7, 500, null, default);

        Assert.Equal(0, draw.ErrorCount);
        var perZone = draw.People.GroupBy(p => p.Zone).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(500, perZone["zone-1"]);
        Assert.Equal(500, perZone["zone-2"]);
        Assert.Equal(people.Count(p => p.Zone == "zone-3"), perZone["zone-3"]);
        Assert.InRange(perZone["zone-3"], 100, 130);
        foreach (var zone in draw.Strata.GroupBy(s => s.Zone))
        {
            var target = perZone[zone.Key];
            var population = zone.Sum(s => s.Population);
            Assert.All(zone, s => Assert.InRange(s.Drawn, Math.Floor((double)target * s.Population / population), Math.Ceiling((double)target * s.Population / population)));
            Assert.Equal(target, zone.Sum(s => s.Drawn));
        }

        Assert.All(draw.Strata, s => Assert.Equal(s.Drawn, draw.People.Count(p => (p.Zone, p.Municipality, p.AgeBand, p.Sex) == (s.Zone, s.Municipality, s.AgeBand, s.Sex))));
    }

    [Fact]
    public async Task Draw_WithASize_ZonesGetTheirShareButAtLeastTheMinimum()
    {
        var people = SyntheticSample.People(Wave, 9000, seed: 8).ToList();
        var draw = await SampleDraw.DrawAsync(Wave, Extract(people), 1, 1000, 4500, default);

        Assert.All(draw.People.GroupBy(p => p.Zone), g => Assert.Equal(Math.Round(4500.0 * people.Count(p => p.Zone == g.Key) / people.Count, MidpointRounding.AwayFromZero), g.Count()));
        Assert.All(draw.People.GroupBy(p => p.Zone), g => Assert.InRange(g.Count(), 1400, 1600));
        var minimum = await SampleDraw.DrawAsync(Wave, Extract(people), 1, 1000, 600, default);
        Assert.All(minimum.People.GroupBy(p => p.Zone), g => Assert.Equal(1000, g.Count()));
    }

    [Fact]
    public async Task Draw_ExtractWithBadRows_DrawsNothingAndReportsThem()
    {
        var text = new StringWriter();
        SyntheticSample.WriteCsv(text, SyntheticSample.People(Wave, 50, seed: 9));
        var csv = text.ToString() + "X1;A B;Street 1;;8400;Gemeente 1.1;zone-9;Wijk 1.1.1;nl;25-34;F\n";
        var draw = await SampleDraw.DrawAsync(Wave, () => new StringReader(csv), 1, 10, null, default);

        Assert.Empty(draw.People);
        Assert.Equal(1, draw.ErrorCount);
        Assert.Equal(52, Assert.Single(draw.Errors).Line);
    }
}
