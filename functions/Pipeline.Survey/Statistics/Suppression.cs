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
/// municipalities of a zone) whose parent total is published. A sibling under the minimum is suppressed; when
/// exactly one sibling is suppressed, the parent minus the published siblings would give it back, so the
/// smallest published sibling is suppressed with it.
/// </summary>
internal static class Suppression
{
    public static Publication Of(int n, SuppressionOptions options) =>
        n < options.Minimum ? Publication.Suppressed : n < options.Indicative ? Publication.Indicative : Publication.Published;

    /// <summary>Each sibling's publication, in the order given.</summary>
    public static IReadOnlyList<Publication> Siblings(IReadOnlyList<int> counts, SuppressionOptions options)
    {
        var result = counts.Select(n => Of(n, options)).ToArray();
        var suppressed = result.Count(p => p == Publication.Suppressed);
        if (suppressed == 1 && counts.Count > 1)
        {
            var partner = Enumerable.Range(0, counts.Count).Where(i => result[i] != Publication.Suppressed).MinBy(i => counts[i]);
            result[partner] = Publication.Suppressed;
        }

        return result;
    }
}
