using NCrontab;

namespace Pipeline.Functions.Platform;

/// <summary>Timer schedules as Azure Functions' timer trigger reads them: NCRONTAB expressions of 6 fields, with seconds.</summary>
internal static class Schedule
{
    public const string Expected = "is not an NCRONTAB expression of 6 fields (second minute hour day month weekday), e.g. 0 0 2 * * *.";

    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    public static bool IsValid(string? expression) => expression is not null && CrontabSchedule.TryParse(expression, WithSeconds) is not null;

    public static CrontabSchedule Parse(string expression) => CrontabSchedule.Parse(expression, WithSeconds);
}
