namespace Pipeline.Survey.Statistics;

/// <summary>How raking went: the weights (one per respondent, in input order) and what they cost in precision.</summary>
internal sealed record WeightingResult(IReadOnlyList<double> Weights, bool Converged, int Iterations, double DesignEffect, double EffectiveN);

/// <summary>Settings of <see cref="Weighting.Rake"/>; defaults: trim at 5x the mean weight, tolerance 0.001, 100 iterations.</summary>
internal sealed record RakingOptions(double TrimFactor = 5, double Tolerance = 1e-3, int MaxIterations = 100);

/// <summary>Survey weights: raking to population margins, trimming, and Kish's design effect.</summary>
internal static class Weighting
{
    /// <summary>Kish's design effect of unequal weights: n Σw² / (Σw)². 1 for equal weights.</summary>
    public static double DesignEffect(IReadOnlyCollection<double> weights)
    {
        var sum = weights.Sum();
        return weights.Count == 0 || sum == 0 ? 1 : weights.Count * weights.Sum(w => w * w) / (sum * sum);
    }

    /// <summary>Kish's effective sample size: (Σw)² / Σw².</summary>
    public static double EffectiveN(IReadOnlyCollection<double> weights)
    {
        var squares = weights.Sum(w => w * w);
        return squares == 0 ? 0 : Math.Pow(weights.Sum(), 2) / squares;
    }

    /// <summary>
    /// Iterative proportional fitting of respondents' (age band, sex) to the population's age-band totals and
    /// sex totals (from the joint margins), with weights trimmed at <see cref="RakingOptions.TrimFactor"/> times
    /// their mean after each round; stops when every margin is within <see cref="RakingOptions.Tolerance"/>
    /// (relative) or after <see cref="RakingOptions.MaxIterations"/> rounds. Weights sum to the population.
    /// Margins of a category no respondent has are left out (their population spreads over the others).
    /// </summary>
    public static WeightingResult Rake(IReadOnlyList<(string AgeBand, string Sex)> respondents, IReadOnlyList<(string AgeBand, string Sex, double Population)> margins, RakingOptions? options = null)
    {
        options ??= new RakingOptions();
        var n = respondents.Count;
        if (n == 0)
        {
            return new([], true, 0, 1, 0);
        }

        var ages = Totals(margins, m => m.AgeBand, respondents.Select(r => r.AgeBand));
        var sexes = Totals(margins, m => m.Sex, respondents.Select(r => r.Sex));
        var population = margins.Sum(m => m.Population);
        if (ages.Count == 0 || sexes.Count == 0 || population <= 0)
        {
            return new([.. Enumerable.Repeat(1.0, n)], false, 0, 1, n);
        }

        var weights = Enumerable.Repeat(population / n, n).ToArray();
        var iterations = 0;
        var converged = false;
        while (iterations < options.MaxIterations && !converged)
        {
            iterations++;
            Adjust(weights, respondents.Select(r => r.AgeBand).ToArray(), ages);
            Adjust(weights, respondents.Select(r => r.Sex).ToArray(), sexes);
            Trim(weights, options.TrimFactor);

            converged = Fits(weights, respondents.Select(r => r.AgeBand).ToArray(), ages, options.Tolerance)
                && Fits(weights, respondents.Select(r => r.Sex).ToArray(), sexes, options.Tolerance);
        }

        return new(weights, converged, iterations, DesignEffect(weights), EffectiveN(weights));
    }

    /// <summary>Population per category, scaled so that categories nobody answered in give their share to the rest.</summary>
    private static Dictionary<string, double> Totals(IEnumerable<(string AgeBand, string Sex, double Population)> margins, Func<(string AgeBand, string Sex, double Population), string> key, IEnumerable<string> present)
    {
        var seen = present.ToHashSet(StringComparer.Ordinal);
        var all = margins.GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(m => m.Population), StringComparer.Ordinal);
        var kept = all.Where(t => seen.Contains(t.Key)).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal);
        var scale = kept.Values.Sum() is var s && s > 0 ? all.Values.Sum() / s : 0;
        return kept.ToDictionary(t => t.Key, t => t.Value * scale, StringComparer.Ordinal);
    }

    /// <summary>Caps every weight at <paramref name="factor"/> times the mean, again until the cap holds for the mean it leaves.</summary>
    private static void Trim(double[] weights, double factor)
    {
        for (var round = 0; round < 50; round++)
        {
            var cap = factor * weights.Average();
            if (weights.All(w => w <= cap * (1 + 1e-9)))
            {
                return;
            }

            for (var i = 0; i < weights.Length; i++)
            {
                weights[i] = Math.Min(weights[i], cap);
            }
        }
    }

    private static void Adjust(double[] weights, string[] categories, Dictionary<string, double> totals)
    {
        var sums = Sums(weights, categories);
        for (var i = 0; i < weights.Length; i++)
        {
            if (totals.TryGetValue(categories[i], out var target) && sums[categories[i]] > 0)
            {
                weights[i] *= target / sums[categories[i]];
            }
        }
    }

    private static bool Fits(double[] weights, string[] categories, Dictionary<string, double> totals, double tolerance)
    {
        var sums = Sums(weights, categories);
        return totals.All(t => sums.TryGetValue(t.Key, out var sum) && Math.Abs(sum - t.Value) <= tolerance * t.Value);
    }

    private static Dictionary<string, double> Sums(double[] weights, string[] categories)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < weights.Length; i++)
        {
            sums[categories[i]] = sums.GetValueOrDefault(categories[i]) + weights[i];
        }

        return sums;
    }
}
