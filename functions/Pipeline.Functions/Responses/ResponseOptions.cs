using System.ComponentModel.DataAnnotations;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.Responses;

/// <summary>Limits of response ingestion (section <c>Responses</c>).</summary>
internal sealed class ResponseOptions : IValidatableObject
{
    public const string Section = "Responses";

    /// <summary>Largest request body of a submission or a form page, in bytes; default 64 KB. Larger: 413.</summary>
    [Range(1024, 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Requests per minute from one client address to the respondent pages and API; default 120.</summary>
    [Range(1, 1_000_000)]
    public int ClientPermitsPerMinute { get; set; } = 120;

    /// <summary>Submissions and form posts per minute for one token; default 30.</summary>
    [Range(1, 1_000_000)]
    public int TokenPermitsPerMinute { get; set; } = 30;

    /// <summary>
    /// When stored submissions are released into the response store: the schedule of the release function's timer
    /// trigger, NCRONTAB with seconds, in UTC; default <c>0 0 * * * *</c> (on the hour). Releases happen only at
    /// these times, so write times in the response store say no more than the schedule's step.
    /// </summary>
    [Required]
    public string ReleaseSchedule { get; set; } = "0 0 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Schedule.IsValid(ReleaseSchedule))
        {
            yield return new ValidationResult($"Responses:ReleaseSchedule '{ReleaseSchedule}' {Schedule.Expected}", [nameof(ReleaseSchedule)]);
        }
    }
}
