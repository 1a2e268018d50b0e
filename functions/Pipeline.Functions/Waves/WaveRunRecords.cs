namespace Pipeline.Functions.Waves;

// What a wave knows of its run: the input its start writes, the operators' events it raises, and the summary its close
// returns. The run (WaveRun) uses the wave; the wave only writes and reads these.

/// <summary>
/// The input of the wave's orchestration (WaveRun.WaveOrchestrator), as the starter writes it: the wave and its timers (UTC), how often a waiting wave counts
/// its responses for its custom status (default: daily), and how long it pauses before it tries a failed step again
/// (default: an hour).
/// </summary>
internal sealed record WaveRunInput(string WaveId, DateTime ReminderAt, DateTime CloseAt, int RetentionDays, TimeSpan? ProgressEvery = null, TimeSpan? RetryPause = null, TimeSpan? FirstRetry = null);

/// <summary>What a closed wave achieved, in total and per zone.</summary>
internal sealed record WaveSummary(bool Cancelled, int Invited, int Reminded, int Responded, IReadOnlyList<ZoneSummary> Zones);

internal sealed record ZoneSummary(string Zone, int Invited, int Reminded, int Responded, int OptedOut, double ResponseRate)
{
    /// <summary>Letters that came back undeliverable: out of the net sample, the response rate's denominator.</summary>
    public int Returned { get; init; }

    public int NetSample => Invited - Returned;

    /// <summary>Of the responses, those on paper (the rest came on the web).</summary>
    public int OnPaper { get; init; }
}

/// <summary>An operator's event that moves a timer: <c>reschedule-reminder</c> or <c>reschedule-close</c>.</summary>
internal sealed record WaveTime(DateTime At);

/// <summary>The operator events a running wave accepts.</summary>
internal static class WaveEvents
{
    public const string RescheduleReminder = "reschedule-reminder";
    public const string RescheduleClose = "reschedule-close";
    public const string Cancel = "cancel";

    public static readonly IReadOnlyList<string> All = [RescheduleReminder, RescheduleClose, Cancel];
}
