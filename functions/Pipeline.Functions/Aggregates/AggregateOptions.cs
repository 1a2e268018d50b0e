using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Aggregates;

/// <summary>Statistics and trigger settings of the aggregates (section <c>Aggregates</c>).</summary>
internal sealed class AggregateOptions
{
    public const string Section = "Aggregates";

    /// <summary>Figures on fewer respondents are never published; default 30.</summary>
    [Range(1, 100_000)]
    public int MinimumRespondents { get; set; } = 30;

    /// <summary>Figures on fewer respondents are marked indicative; default 100.</summary>
    [Range(1, 100_000)]
    public int IndicativeRespondents { get; set; } = 100;

    /// <summary>Weights are trimmed at this many times their mean; default 5.</summary>
    [Range(1.0, 100.0)]
    public double TrimFactor { get; set; } = 5;

    /// <summary>At most one recompute of a wave per this window, however many responses arrive; default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the trigger looks for recompute requests; default 1 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}
