using Pipeline.Durable;
using Pipeline.Functions.Activities;

namespace Pipeline.Functions.Orchestrations;

/// <summary>
/// One survey wave (instance id = wave id): invitations to everyone sampled, a reminder to those who have not
/// answered or opted out when it is due, then the close and the purge of personal data after the retention.
/// Operators move the reminder (<c>reschedule-reminder</c>), the close (<c>extend-close</c>), or cancel.
/// </summary>
internal sealed class WaveOrchestrator : TaskOrchestrator<WaveRun, WaveSummary>
{
    private static readonly TaskOptions Retry = new(new RetryPolicy(5, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(1)));

    public override async Task<WaveSummary> RunAsync(TaskOrchestrationContext context, WaveRun input)
    {
        var reminderAt = input.ReminderAt;
        var closeAt = input.CloseAt;
        context.SetCustomStatus(new WaveProgress("inviting", 0, 0, null, closeAt));
        var invited = await IssueAsync(context, nameof(PlanInvitationsActivity), input.WaveId);

        var cancelled = false;
        var reminded = 0;
        context.SetCustomStatus(new WaveProgress("waiting for reminder", invited, 0, reminderAt, closeAt));
        while (!cancelled && reminderAt < closeAt && await WaitAsync(context, reminderAt) is { } happened)
        {
            (reminderAt, closeAt, cancelled) = Apply(happened, reminderAt, closeAt);
            context.SetCustomStatus(new WaveProgress("waiting for reminder", invited, 0, reminderAt, closeAt));
        }

        if (!cancelled && reminderAt < closeAt)
        {
            context.SetCustomStatus(new WaveProgress("reminding", invited, 0, null, closeAt));
            reminded = await IssueAsync(context, nameof(PlanRemindersActivity), input.WaveId);
        }

        context.SetCustomStatus(new WaveProgress("fieldwork", invited, reminded, closeAt, closeAt));
        while (!cancelled && await WaitAsync(context, closeAt) is { } happened)
        {
            (_, closeAt, cancelled) = Apply(happened, reminderAt, closeAt);
            context.SetCustomStatus(new WaveProgress("fieldwork", invited, reminded, closeAt, closeAt));
        }

        var summary = await context.CallActivityAsync<WaveSummary>(nameof(CloseWaveActivity), new CloseRequest(input.WaveId, cancelled), Retry);
        var purgeAt = context.CurrentUtcDateTime.AddDays(input.RetentionDays);
        context.SetCustomStatus(new WaveProgress(cancelled ? "cancelled" : "closed", invited, reminded, purgeAt, closeAt));
        if (input.RetentionDays > 0)
        {
            await context.CreateTimer(purgeAt, CancellationToken.None);
        }

        await context.CallActivityAsync<int>(nameof(PurgePersonalDataActivity), input.WaveId, Retry);
        context.SetCustomStatus(new WaveProgress(cancelled ? "cancelled" : "closed", invited, reminded, null, closeAt));
        return summary;
    }

    /// <summary>Plans the letters, then issues every batch at once; the number of letters.</summary>
    private static async Task<int> IssueAsync(TaskOrchestrationContext context, string plan, string waveId)
    {
        var jobs = await context.CallActivityAsync<List<LetterJob>>(plan, waveId, Retry);
        var counts = await Task.WhenAll(jobs.Select(job => context.CallActivityAsync<int>(nameof(IssueLettersActivity), job, Retry)));
        return counts.Sum();
    }

    /// <summary>Waits for <paramref name="until"/> or an operator event; null when the time came.</summary>
    private static async Task<(string Name, WaveTime? Time)?> WaitAsync(TaskOrchestrationContext context, DateTime until)
    {
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(until, cancel.Token);
        var reschedule = context.WaitForExternalEvent<WaveTime>(WaveEvents.RescheduleReminder, cancel.Token);
        var extend = context.WaitForExternalEvent<WaveTime>(WaveEvents.ExtendClose, cancel.Token);
        var stop = context.WaitForExternalEvent<object?>(WaveEvents.Cancel, cancel.Token);
        var first = await Task.WhenAny(timer, reschedule, extend, stop);

        // Synchronously: CancelAsync would run the callbacks on the thread pool, outside the replay's executor.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        return first == timer ? null
            : first == reschedule ? (WaveEvents.RescheduleReminder, await reschedule)
            : first == extend ? (WaveEvents.ExtendClose, await extend)
            : (WaveEvents.Cancel, null);
    }

    private static (DateTime ReminderAt, DateTime CloseAt, bool Cancelled) Apply((string Name, WaveTime? Time) happened, DateTime reminderAt, DateTime closeAt) => happened.Name switch
    {
        WaveEvents.RescheduleReminder when happened.Time is { } t => (t.At, closeAt, false),
        WaveEvents.ExtendClose when happened.Time is { } t && t.At > closeAt => (reminderAt, t.At, false),
        WaveEvents.Cancel => (reminderAt, closeAt, true),
        _ => (reminderAt, closeAt, false),
    };
}
