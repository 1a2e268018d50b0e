namespace Pipeline.Functions.Waves;

/// <summary>Wave dates are calendar days in Belgium; timers need UTC instants.</summary>
internal static class WaveCalendar
{
    public static readonly TimeZoneInfo Brussels = TimeZoneInfo.FindSystemTimeZoneById("Europe/Brussels");

    /// <summary>The calendar day in Brussels at <paramref name="instant"/>.</summary>
    public static DateOnly Day(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Brussels).DateTime);

    /// <summary>08:00 in Brussels on <paramref name="day"/>: when reminders go out.</summary>
    public static DateTime Morning(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(new TimeOnly(8, 0)), Brussels);

    /// <summary>The end of <paramref name="day"/> in Brussels: letters say "until this day inclusive".</summary>
    public static DateTime EndOfDay(DateOnly day) => TimeZoneInfo.ConvertTimeToUtc(day.AddDays(1).ToDateTime(TimeOnly.MinValue), Brussels);
}
