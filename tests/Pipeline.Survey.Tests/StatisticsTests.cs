using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Statistics;

namespace Pipeline.Survey.Tests;

public sealed class StatisticsTests
{
    private static readonly Questionnaire Vm = QuestionnaireCatalog.Find("vm-2026.1")!;

    private static readonly Question Guarantee = Vm.Find("participatie_politie_garandeert")!;

    [Theory]
    [InlineData(81, 263, 0.2553, 0.3662)]
    [InlineData(0, 20, 0.0, 0.1611)]
    [InlineData(20, 20, 0.8389, 1.0)]
    [InlineData(1, 2, 0.0945, 0.9055)]
    public void Wilson_KnownIntervals(int successes, int n, double low, double high)
    {
        var share = Wilson.Interval(successes, n)!;

        Assert.Equal(low, share.Low, 4);
        Assert.Equal(high, share.High, 4);
        Assert.Equal((double)successes / n, share.Value, 10);
    }

    [Fact]
    public void Wilson_NoRespondents_NoShare() => Assert.Null(Wilson.Interval(0, 0));

    [Fact]
    public void Kish_Weights1234_Deff1point2_EffectiveN3point333()
    {
        Assert.Equal(1.2, Weighting.DesignEffect([1, 2, 3, 4]), 10);
        Assert.Equal(3.333, Weighting.EffectiveN([1, 2, 3, 4]), 3);
        Assert.Equal(1.0, Weighting.DesignEffect([2, 2, 2]), 10);
    }

    /// <summary>The seed survey's tables 4 and 5: N, the five percentages, sum disagree, sum agree (as printed).</summary>
    public static TheoryData<int, int[], int, int> SeedRows => new()
    {
        { 1201, [2, 4, 9, 43, 42], 6, 85 },
        { 1195, [1, 4, 12, 54, 28], 5, 82 },
        { 1193, [3, 8, 19, 52, 18], 11, 70 },
        { 1193, [2, 10, 20, 51, 17], 13, 68 },
        { 1193, [3, 9, 27, 48, 14], 11, 62 },
        { 1195, [4, 12, 22, 47, 14], 16, 61 },
        { 1195, [3, 11, 30, 42, 14], 14, 55 },
        { 1198, [5, 13, 29, 40, 13], 18, 53 },
        { 1193, [5, 15, 31, 37, 12], 20, 49 },
        { 1194, [6, 19, 32, 32, 11], 25, 43 },
        { 1130, [5, 18, 39, 31, 7], 23, 38 },
        { 1193, [11, 34, 24, 21, 11], 44, 32 },
        { 1134, [7, 27, 40, 21, 6], 34, 27 },
        { 1193, [40, 37, 15, 4, 3], 77, 8 },
        { 1122, [5, 14, 27, 45, 9], 19, 54 },
        { 1042, [4, 17, 27, 44, 8], 21, 52 },
        { 1042, [8, 26, 31, 29, 6], 34, 35 },
        { 1122, [10, 28, 37, 20, 4], 38, 25 },
    };

    [Theory]
    [MemberData(nameof(SeedRows))]
    public void Figures_SeedTables_ComeOutOfCountsThatReproduceThem(int n, int[] percents, int disagree, int agree)
    {
        var counts = n == 1201 ? [19, 48, 114, 511, 509] : CountsFor(n, percents, disagree, agree);
        Assert.NotNull(counts);
        var respondents = counts!.SelectMany((c, i) => Enumerable.Repeat((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), c))
            .Select(code => (Answers: (IReadOnlyDictionary<string, IReadOnlyList<string>>)new Dictionary<string, IReadOnlyList<string>> { [Guarantee.Id] = [code] }, Weight: 1.0))
            .Concat(Enumerable.Repeat(((IReadOnlyDictionary<string, IReadOnlyList<string>>)new Dictionary<string, IReadOnlyList<string>> { [Guarantee.Id] = ["9"] }, 1.0), 25))
            .ToList();

        var figures = QuestionFigures.Compute(Vm, Guarantee, respondents);

        Assert.Equal(n, figures.Base);
        Assert.Equal(25, figures.DontKnow);
        Assert.Equal(percents, figures.Options.Select(o => o.Share!.Percent));
        Assert.Equal(disagree, figures.Bottom2!.Share!.Percent);
        Assert.Equal(agree, figures.Top2!.Share!.Percent);
    }

    [Fact]
    public void Figures_Weighted_ShareAndIntervalOnEffectiveN()
    {
        var respondents = new[] { ("5", 3.0), ("5", 1.0), ("1", 1.0), ("1", 1.0), ("9", 10.0) }
            .Select(r => ((IReadOnlyDictionary<string, IReadOnlyList<string>>)new Dictionary<string, IReadOnlyList<string>> { [Guarantee.Id] = [r.Item1] }, r.Item2))
            .ToList();

        var figures = QuestionFigures.Compute(Vm, Guarantee, respondents);
        var agree = figures.Options.Single(o => o.Code == "5");

        Assert.Equal(4, figures.Base);
        Assert.Equal(0.5, agree.Share!.Value, 10);
        Assert.Equal(4.0 / 6, agree.WeightedShare!.Value, 10);
        Assert.Equal(36.0 / 12, figures.EffectiveBase, 10);
        Assert.Equal(Wilson.Interval(4.0 / 6 * 3, 3)!.Low, agree.WeightedShare.Low, 10);
        Assert.Equal(3.0, figures.Mean);
        Assert.Equal(((5 * 4.0) + (1 * 2.0)) / 6, figures.WeightedMean!.Value, 10);
    }

    [Fact]
    public void Figures_SkipLogic_BaseIsThoseAsked()
    {
        var victim = new Dictionary<string, IReadOnlyList<string>> { ["slachtoffer_fiets"] = ["1"], ["aangifte_fiets"] = ["2"] };
        var other = new Dictionary<string, IReadOnlyList<string>> { ["slachtoffer_fiets"] = ["2"] };

        var figures = QuestionFigures.Compute(Vm, Vm.Find("aangifte_fiets")!, [(victim, 1), (other, 1), (other, 1)]);

        Assert.Equal((1, 1), (figures.Asked, figures.Base));
        Assert.Null(figures.Top2);
    }

    [Fact]
    public void Rake_SkewedSample_MeetsTheMarginsAndReportsTheCost()
    {
        var respondents = Enumerable.Repeat(("15-24", "F"), 70).Concat(Enumerable.Repeat(("15-24", "M"), 30))
            .Concat(Enumerable.Repeat(("65-74", "F"), 20)).Concat(Enumerable.Repeat(("65-74", "M"), 30)).ToList();
        (string, string, double)[] margins = [("15-24", "F", 1000), ("15-24", "M", 1000), ("65-74", "F", 1100), ("65-74", "M", 900)];

        var result = Weighting.Rake(respondents, margins);

        Assert.True(result.Converged);
        double Total(Func<(string AgeBand, string Sex), bool> where) => respondents.Select((r, i) => (r, i)).Where(x => where(x.r)).Sum(x => result.Weights[x.i]);
        Assert.Equal(2100, Total(r => r.Sex == "F"), 0);
        Assert.Equal(2000, Total(r => r.AgeBand == "65-74"), 0);
        Assert.True(result.DesignEffect > 1);
        Assert.Equal(Weighting.EffectiveN(result.Weights), result.EffectiveN, 10);
    }

    [Fact]
    public void Rake_OneRespondentInAHugeCell_WeightTrimmedAtFiveTimesTheMean()
    {
        var respondents = Enumerable.Repeat(("15-24", "F"), 99).Append(("65-74", "M")).ToList();
        (string, string, double)[] margins = [("15-24", "F", 1000), ("65-74", "M", 1000), ("15-24", "M", 10), ("65-74", "F", 10)];

        var result = Weighting.Rake(respondents, margins, new RakingOptions(MaxIterations: 20));

        Assert.True(result.Weights.Max() <= 5 * result.Weights.Average() * (1 + 1e-6), $"max {result.Weights.Max()}, mean {result.Weights.Average()}");
        Assert.False(result.Converged);
        Assert.Equal(20, result.Iterations);
    }

    [Theory]
    [InlineData(new[] { 120, 45, 29, 300 }, "Published Suppressed Suppressed Published")]
    [InlineData(new[] { 120, 99, 100, 300 }, "Published Indicative Published Published")]
    [InlineData(new[] { 10, 22, 300 }, "Suppressed Suppressed Published")]
    [InlineData(new[] { 4, 9, 120 }, "Suppressed Suppressed Suppressed")]
    [InlineData(new[] { 4, 9, 45, 120 }, "Suppressed Suppressed Suppressed Published")]
    [InlineData(new[] { 10 }, "Suppressed")]
    public void Suppression_PrimaryAndComplementary(int[] counts, string expected)
    {
        var result = Suppression.Siblings(counts, new SuppressionOptions());

        Assert.Equal(expected, string.Join(" ", result));
    }

    [Fact]
    public void Suppression_NoSuppressedCellCanBeRecoveredFromTheTotalMinusItsSiblings()
    {
        var random = new Random(3);
        for (var trial = 0; trial < 2000; trial++)
        {
            var counts = Enumerable.Range(0, random.Next(1, 8)).Select(_ => random.Next(0, 200)).ToArray();
            var total = counts.Sum();
            var result = Suppression.Siblings(counts, new SuppressionOptions());

            // The attacker knows the parent total and every published sibling.
            var unknown = total - counts.Where((c, i) => result[i] != Publication.Suppressed).Sum();
            var hidden = Enumerable.Range(0, counts.Length).Where(i => result[i] == Publication.Suppressed).ToList();
            Assert.True(hidden.Count != 1 || counts.Length == 1, $"counts {string.Join(",", counts)}: sibling {hidden.FirstOrDefault()} = {unknown} is recoverable");
            Assert.True(hidden.Count == 0 || unknown >= 30 || hidden.Count == counts.Length, $"counts {string.Join(",", counts)}: the hidden siblings together are {unknown}, an exact figure under 30");
            Assert.All(counts.Where((c, i) => c < 30), c => Assert.Contains(c, hidden.Select(i => counts[i])));
        }
    }

    [Theory]
    [InlineData(0.50, 400, 0.30, 400, "Higher")]
    [InlineData(0.30, 400, 0.50, 400, "Lower")]
    [InlineData(0.50, 400, 0.48, 400, "NotDifferent")]
    [InlineData(0.50, 0, 0.10, 400, "NotDifferent")]
    public void Compare_TwoProportions(double p1, double n1, double p2, double n2, string expected) =>
        Assert.Equal(expected, Comparison.Compare(p1, n1, p2, n2).ToString());

    /// <summary>Counts that sum to <paramref name="n"/> and round (half away from zero) to every printed figure; null if none.</summary>
    private static int[]? CountsFor(int n, int[] percents, int disagree, int agree)
    {
        static bool Rounds(int count, int n, int percent) => (int)Math.Round(100.0 * count / n, MidpointRounding.AwayFromZero) == percent;
        var ranges = percents.Select(p => Enumerable.Range(0, n + 1).Where(c => Rounds(c, n, p)).ToArray()).ToArray();
        foreach (var a in ranges[0])
        {
            foreach (var b in ranges[1].Where(b => Rounds(a + b, n, disagree)))
            {
                foreach (var c in ranges[2])
                {
                    foreach (var d in ranges[3])
                    {
                        var e = n - a - b - c - d;
                        if (Rounds(e, n, percents[4]) && Rounds(d + e, n, agree))
                        {
                            return [a, b, c, d, e];
                        }
                    }
                }
            }
        }

        return null;
    }
}
