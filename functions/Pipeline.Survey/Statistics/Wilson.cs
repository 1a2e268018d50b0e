namespace Pipeline.Survey.Statistics;

/// <summary>A share with its 95% interval.</summary>
internal sealed record Share(double Value, double Low, double High)
{
    /// <summary>The share in whole percent, rounded half away from zero, as reports print it.</summary>
    public int Percent => (int)Math.Round(Value * 100, MidpointRounding.AwayFromZero);
}

/// <summary>The Wilson score interval for a proportion: honest near 0 and 1, where the normal interval is not.</summary>
internal static class Wilson
{
    /// <summary>z for a two-sided 95% interval.</summary>
    public const double Z95 = 1.959963984540054;

    /// <summary>
    /// <paramref name="successes"/> of <paramref name="n"/> (both may be weighted or effective counts); null when
    /// <paramref name="n"/> is 0.
    /// </summary>
    public static Share? Interval(double successes, double n, double z = Z95)
    {
        if (n <= 0)
        {
            return null;
        }

        var p = successes / n;
        var z2 = z * z;
        var denominator = 1 + (z2 / n);
        var centre = (p + (z2 / (2 * n))) / denominator;
        var half = z * Math.Sqrt((p * (1 - p) / n) + (z2 / (4 * n * n))) / denominator;
        return new Share(p, Math.Max(0, centre - half), Math.Min(1, centre + half));
    }
}
