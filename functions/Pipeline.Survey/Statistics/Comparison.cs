namespace Pipeline.Survey.Statistics;

internal enum Difference
{
    NotDifferent,
    Higher,
    Lower,
}

/// <summary>Whether one area's share differs from another's (all other zones of the wave, or its own previous wave).</summary>
internal static class Comparison
{
    /// <summary>How <see cref="Compare"/> decides, for the output to say.</summary>
    public const string Method = "two-proportion z-test (pooled), two-sided at 5%, on effective sample sizes";

    /// <summary>
    /// Compares share <paramref name="p1"/> on effective n <paramref name="n1"/> with <paramref name="p2"/> on
    /// <paramref name="n2"/>: higher or lower when |z| > 1.96, else not different (also when either n is 0).
    /// </summary>
    public static Difference Compare(double p1, double n1, double p2, double n2)
    {
        if (n1 <= 0 || n2 <= 0)
        {
            return Difference.NotDifferent;
        }

        var pooled = ((p1 * n1) + (p2 * n2)) / (n1 + n2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1 / n1) + (1 / n2)));
        if (se == 0)
        {
            return Difference.NotDifferent;
        }

        var z = (p1 - p2) / se;
        return z > Wilson.Z95 ? Difference.Higher : z < -Wilson.Z95 ? Difference.Lower : Difference.NotDifferent;
    }
}
