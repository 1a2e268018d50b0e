namespace Pipeline.Survey.Statistics;

/// <summary>How far a figure may be published.</summary>
internal enum Publication
{
    Published,

    /// <summary>Resting on fewer than the indicative threshold (default 100): published, marked as indicative.</summary>
    Indicative,

    /// <summary>Resting on fewer than the threshold (default 30), or suppressed so that another cannot be recovered.</summary>
    Suppressed,
}

/// <summary>Thresholds of <see cref="Suppression"/>: defaults 30 and 100, as Dutch public-health monitors use.</summary>
internal sealed record SuppressionOptions(int Minimum = 30, int Indicative = 100);

/// <summary>
/// Primary and complementary suppression over sibling areas (the neighbourhoods of a municipality, the
/// municipalities of a zone) whose parent total is published. A sibling under the minimum is suppressed. The parent
/// minus the published siblings gives the suppressed siblings together, so while they together rest on fewer than the
/// minimum, the smallest published sibling is suppressed with them (neighbourhoods of 4, 9 and 120 in a municipality
/// of 133: all three, since 4 + 9 = 13 would otherwise be exact).
/// </summary>
internal static class Suppression
{
    public static Publication Of(int n, SuppressionOptions options) =>
        n < options.Minimum ? Publication.Suppressed : n < options.Indicative ? Publication.Indicative : Publication.Published;

    /// <summary>Each sibling's publication, in the order given.</summary>
    public static IReadOnlyList<Publication> Siblings(IReadOnlyList<int> counts, SuppressionOptions options)
    {
        var result = counts.Select(n => Of(n, options)).ToArray();
        var hidden = Enumerable.Range(0, counts.Count).Where(i => result[i] == Publication.Suppressed).Sum(i => counts[i]);
        var any = result.Contains(Publication.Suppressed);
        while (any && hidden < options.Minimum && result.Any(p => p != Publication.Suppressed))
        {
            var partner = Enumerable.Range(0, counts.Count).Where(i => result[i] != Publication.Suppressed).MinBy(i => counts[i]);
            result[partner] = Publication.Suppressed;
            hidden += counts[partner];
        }

        return result;
    }
}
