using Pipeline.Survey.Statistics;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// The published figures of one area (the wave, a zone, a municipality or a neighbourhood): what was computed
/// when and from how many responses, and per question the figures. A suppressed area publishes no count and no
/// figure at all: <see cref="Responses"/> and <see cref="Invited"/> are null, and <see cref="ResponsesBelow"/>
/// says "fewer than this many".
/// </summary>
internal sealed record AreaAggregate(
    string Wave,
    string Level,
    string Area,
    string? Parent,
    DateTimeOffset ComputedAt,
    int? Responses,
    int? Invited,
    Share? ResponseRate,
    Publication Publication,
    WeightingSummary? Weighting,
    IReadOnlyList<QuestionAggregate> Questions)
{
    public string BaseNote { get; init; } = QuestionFigures.BaseNote;

    /// <summary>Invited less whose letter came back undeliverable: the response rate's denominator (null when suppressed).</summary>
    public int? NetSample { get; init; }

    /// <summary>
    /// Of the responses, those on paper (the rest came on the web); null when the area is suppressed, or when either mode
    /// is a group under the minimum of respondents.
    /// </summary>
    public int? OnPaper { get; init; }

    /// <summary>For a suppressed area, the minimum of respondents it stays under; null when published.</summary>
    public int? ResponsesBelow { get; init; }

    public string ComparisonMethod { get; init; } = Comparison.Method + "; each zone against all other zones of the wave";

    /// <summary>The zone's previous wave (the latest earlier wave with a zone of the same id), when it has figures.</summary>
    public string? PreviousWave { get; init; }

    /// <summary>Responses per submission day (the wave and its zones only; none for a suppressed area).</summary>
    public IReadOnlyDictionary<string, int>? ResponsesPerDay { get; init; }

    public string SuppressionNote { get; init; } = "Figures on fewer than the minimum of respondents are not published, nor is their number of responses, invitations or net sample; one more sibling area is suppressed when only one would be, so that no figure can be recovered from a total.";
}

internal sealed record WeightingSummary(string Method, bool Converged, int Iterations, double DesignEffect, double EffectiveN);

/// <summary>One question's figures in one area; every figure is null when <see cref="Publication"/> is Suppressed.</summary>
internal sealed record QuestionAggregate(
    string Id,
    Publication Publication,
    int? Asked,
    int? Base,
    int? DontKnow,
    double? EffectiveBase,
    IReadOnlyList<OptionAggregate>? Options,
    OptionAggregate? Bottom2,
    OptionAggregate? Top2,
    double? Mean,
    double? WeightedMean,
    Difference? Top2AgainstOtherZones)
{
    /// <summary>The weighted top-2 share against the same zone's previous wave, by the same test.</summary>
    public Difference? Top2AgainstPreviousWave { get; init; }

    public static QuestionAggregate Suppressed(string id) => new(id, Publication.Suppressed, null, null, null, null, null, null, null, null, null, null);
}

internal sealed record OptionAggregate(string Code, int Count, int Percent, Share Share, Share? Weighted)
{
    public static OptionAggregate? From(OptionFigure? figure) =>
        figure?.Share is { } share ? new(figure.Code, figure.Count, share.Percent, share, figure.WeightedShare) : null;
}
