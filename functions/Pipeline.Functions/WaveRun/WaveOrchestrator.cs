using Microsoft.DurableTask;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// One survey wave (instance id = wave id): invitations to everyone sampled, a reminder to those who have not
/// answered or opted out when it is due, then the close and the purge of personal data after the retention.
/// Operators move the reminder (<c>reschedule-reminder</c>), the close (<c>reschedule-close</c>: earlier or later), or cancel.
/// </summary>
internal sealed class WaveOrchestrator : TaskOrchestrator<WaveRunInput, WaveSummary>
{

    public override async Task<WaveSummary> RunAsync(TaskOrchestrationContext context, WaveRunInput input)
    {
        var reminderAt = input.ReminderAt;
        var closeAt = input.CloseAt;
        var every = input.ProgressEvery ?? TimeSpan.FromDays(1);
        var (invited, reminded, responses) = (0, 0, 0);
        void Status(string phase, DateTime? next) => context.SetCustomStatus(new WaveProgress(phase, invited, reminded, responses, next, closeAt));

        var retry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, input.FirstRetry ?? TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(1)));
        var steps = new Steps(context, retry, input.RetryPause ?? TimeSpan.FromHours(1), (phase, next) => Status(phase + ", retrying", next));

        Status("inviting", null);
        invited = await IssueAsync(steps, "inviting", nameof(PlanInvitationsActivity), input.WaveId);

        var cancelled = false;
        Status("waiting for reminder", reminderAt);
        while (!cancelled && reminderAt < closeAt && await WaitAsync(context, reminderAt, every) is { } happened)
        {
            (reminderAt, closeAt, cancelled, responses) = await ApplyAsync(steps, input.WaveId, happened, reminderAt, closeAt, responses);
            Status("waiting for reminder", reminderAt);
        }

        if (!cancelled && reminderAt < closeAt)
        {
            Status("reminding", null);
            reminded = await IssueAsync(steps, "reminding", nameof(PlanRemindersActivity), input.WaveId);
        }

        Status("fieldwork", closeAt);
        while (!cancelled && await WaitAsync(context, closeAt, every) is { } happened)
        {
            (_, closeAt, cancelled, responses) = await ApplyAsync(steps, input.WaveId, happened, reminderAt, closeAt, responses);
            Status("fieldwork", closeAt);
        }

        var summary = await steps.UntilDoneAsync<WaveSummary>("closing", nameof(CloseWaveActivity), new CloseRequest(input.WaveId, cancelled));
        responses = summary.Responded;
        var purgeAt = context.CurrentUtcDateTime.AddDays(input.RetentionDays);
        Status(cancelled ? "cancelled" : "closed", purgeAt);
        if (input.RetentionDays > 0)
        {
            await context.CreateTimer(purgeAt, CancellationToken.None);
        }

        await steps.UntilDoneAsync<int>("purging", nameof(PurgePersonalDataActivity), input.WaveId);
        Status(cancelled ? "cancelled" : "closed", null);
        return summary;
    }

    /// <summary>Plans the letters, then issues every batch at once; the number of letters.</summary>
    private static async Task<int> IssueAsync(Steps steps, string phase, string plan, string waveId)
    {
        var jobs = await steps.UntilDoneAsync<List<LetterJob>>(phase, plan, waveId);
        var counts = await Task.WhenAll(jobs.Select(job => steps.UntilDoneAsync<int>(phase, nameof(IssueLettersActivity), job)));
        return counts.Sum();
    }

    /// <summary>
    /// Calls activities until they succeed: the retry policy's quick tries, then a pause (told to
    /// <paramref name="retrying"/> for the custom status), and again, for as long as it takes. So a storage outage never
    /// leaves a wave with a Failed run: its letters, its close and its purge happen once storage is back.
    /// </summary>
    private sealed class Steps(TaskOrchestrationContext context, TaskOptions retry, TimeSpan pause, Action<string, DateTime> retrying)
    {
        /// <summary>The activity with the quick retries only.</summary>
        public Task<T> OnceAsync<T>(string activity, object input) => context.CallActivityAsync<T>(activity, input, retry);

        public async Task<T> UntilDoneAsync<T>(string phase, string activity, object input)
        {
            // Unbounded on purpose: a step of the privacy path must not give up. Each round adds the retries' events and
            // one timer to the history, so a week-long outage at the default hourly pause adds about a thousand.
#pragma warning disable DURABLE0011
            while (true)
            {
                try
                {
                    return await context.CallActivityAsync<T>(activity, input, retry);
                }
                catch (TaskFailedException)
                {
                    var next = context.CurrentUtcDateTime + pause;
                    retrying(phase, next);
                    await context.CreateTimer(next, CancellationToken.None);
                }
            }
#pragma warning restore DURABLE0011
        }
    }

    /// <summary>
    /// Waits for <paramref name="until"/> or an operator event, at most <paramref name="every"/> (then it answers
    /// "progress"); null when the time came.
    /// </summary>
    private static async Task<(string Name, WaveTime? Time)?> WaitAsync(TaskOrchestrationContext context, DateTime until, TimeSpan every)
    {
        var progressAt = context.CurrentUtcDateTime + every;
        var wake = progressAt < until ? progressAt : until;
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(wake, cancel.Token);
        var reschedule = context.WaitForExternalEvent<WaveTime>(WaveEvents.RescheduleReminder, cancel.Token);
        var moveClose = context.WaitForExternalEvent<WaveTime>(WaveEvents.RescheduleClose, cancel.Token);
        var stop = context.WaitForExternalEvent<object?>(WaveEvents.Cancel, cancel.Token);
        var first = await Task.WhenAny(timer, reschedule, moveClose, stop);

        // Synchronously: CancelAsync would run the callbacks on the thread pool, outside the replay's executor.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        return first == timer ? (wake < until ? (Progress, null) : null)
            : first == reschedule ? (WaveEvents.RescheduleReminder, await reschedule)
            : first == moveClose ? (WaveEvents.RescheduleClose, await moveClose)
            : (WaveEvents.Cancel, null);
    }

    private const string Progress = "progress";

    /// <summary>An operator's event moves a timer or cancels; a progress wake-up counts the responses.</summary>
    private static async Task<(DateTime ReminderAt, DateTime CloseAt, bool Cancelled, int Responses)> ApplyAsync(
        Steps steps, string waveId, (string Name, WaveTime? Time) happened, DateTime reminderAt, DateTime closeAt, int responses) => happened.Name switch
    {
        Progress => (reminderAt, closeAt, false, await steps.OnceAsync<int>(nameof(CountResponsesActivity), waveId)),
        WaveEvents.RescheduleReminder when happened.Time is { } t => (t.At, closeAt, false, responses),
        WaveEvents.RescheduleClose when happened.Time is { } t => (reminderAt, t.At, false, responses),
        WaveEvents.Cancel => (reminderAt, closeAt, true, responses),
        _ => (reminderAt, closeAt, false, responses),
    };
}
