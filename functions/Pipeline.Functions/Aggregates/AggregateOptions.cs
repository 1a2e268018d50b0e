using System.ComponentModel.DataAnnotations;
using NCrontab;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.Aggregates;

/// <summary>Statistics and trigger settings of the aggregates (section <c>Aggregates</c>).</summary>
internal sealed class AggregateOptions : IValidatableObject
{
    public const string Section = "Aggregates";

    /// <summary>Figures on fewer respondents are never published; default 30.</summary>
    [Range(1, 100_000)]
    public int MinimumRespondents { get; set; } = 30;

    /// <summary>Figures on fewer respondents are marked indicative; default 100.</summary>
    [Range(1, 100_000)]
    public int IndicativeRespondents { get; set; } = 100;

    /// <summary>
    /// A published area's figures are replaced only once at least this many new responses entered it since they were
    /// published, so that two publications never differ by the answers of a few people; default 10.
    /// </summary>
    [Range(1, 100_000)]
    public int MinimumChange { get; set; } = 10;

    /// <summary>Weights are trimmed at this many times their mean; default 5.</summary>
    [Range(1.0, 100.0)]
    public double TrimFactor { get; set; } = 5;

    /// <summary>At most one recompute of a wave per this window, however many responses arrive; default 3 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The nightly refresh: an NCRONTAB expression of 6 fields (second minute hour day month weekday), as Azure
    /// Functions' timer trigger takes, in Europe/Brussels time; default <c>0 0 2 * * *</c> (02:00 every night). The
    /// nightly function's timer fires on the same expression read in UTC (Functions' default), which is never before
    /// the Brussels time, and runs the refresh when a Brussels occurrence has passed since the last run.
    /// </summary>
    [Required]
    public string NightlySchedule { get; set; } = "0 0 2 * * *";

    /// <summary>Closed waves stay in the nightly refresh this many days after their close; default 14.</summary>
    [Range(0, 3650)]
    public int RecentlyClosedDays { get; set; } = 14;

    public CrontabSchedule ParseNightly() => Schedule.Parse(NightlySchedule);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Schedule.IsValid(NightlySchedule))
        {
            yield return new ValidationResult($"Aggregates:NightlySchedule '{NightlySchedule}' {Schedule.Expected}", [nameof(NightlySchedule)]);
        }
    }
}
