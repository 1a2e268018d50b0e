using System.Text.Json;
using DurableTask.Core.History;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.WaveRun;

/// <summary>What a wave's run did, read from its orchestration history: each step with its time.</summary>
internal static class RunTimeline
{
    /// <summary>One step: letters issued for a batch, the reminder list fixed, an operator's event, the close, the purge, a failure.</summary>
    internal sealed record Step(DateTime At, StepKind Kind, LetterJob? Batch = null, int? Count = null, string? Detail = null);

    internal enum StepKind
    {
        Letters,
        ReminderList,
        OperatorEvent,
        Closed,
        Purged,
        Failed,
    }

    /// <summary>The steps of wave <paramref name="id"/>'s run, oldest first; empty when it has no run.</summary>
    public static async Task<List<Step>> ReadAsync(DurableTaskClient client, string id, CancellationToken ct)
    {
        IList<HistoryEvent> history;
        try
        {
            history = await client.GetOrchestrationHistoryAsync(id, ct);
        }
        catch (ArgumentException)
        {
            return []; // no such instance (the gRPC client's NotFound)
        }

        var scheduled = history.OfType<TaskScheduledEvent>().ToDictionary(e => e.EventId);
        var batches = BatchesOf(history, scheduled);
        var steps = new List<Step>();
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskCompletedEvent done when scheduled.TryGetValue(done.TaskScheduledId, out var task):
                    steps.AddRange(task.Name switch
                    {
                        nameof(IssueLettersActivity) => [new Step(done.Timestamp, StepKind.Letters, batches.GetValueOrDefault(task.EventId), Read<int>(done.Result))],
                        nameof(PlanRemindersActivity) => [new Step(done.Timestamp, StepKind.ReminderList, Count: Read<List<LetterJob>>(done.Result)?.Count)],
                        nameof(CloseWaveActivity) => [new Step(done.Timestamp, StepKind.Closed, Count: Read<Waves.WaveSummary>(done.Result)?.Responded)],
                        nameof(PurgePersonalDataActivity) => [new Step(done.Timestamp, StepKind.Purged, Count: Read<int>(done.Result))],
                        _ => [],
                    });
                    break;
                case TaskFailedEvent failed when scheduled.TryGetValue(failed.TaskScheduledId, out var task):
                    steps.Add(new Step(failed.Timestamp, StepKind.Failed, Detail: $"{task.Name}: {failed.FailureDetails?.ErrorMessage ?? failed.Reason}"));
                    break;
                case EventRaisedEvent raised:
                    steps.Add(new Step(raised.Timestamp, StepKind.OperatorEvent, Detail: raised.Name + (Read<Waves.WaveTime>(raised.Input) is { } time ? $" → {time.At:u}" : string.Empty)));
                    break;
            }
        }

        return steps;
    }

    /// <summary>
    /// The batch of each letters task. The task's input when the backend keeps it; else its place: the run schedules a
    /// plan's batches in the plan's order (<see cref="WaveOrchestrator"/>), and a failed attempt's batch comes again.
    /// </summary>
    private static Dictionary<int, LetterJob> BatchesOf(IList<HistoryEvent> history, Dictionary<int, TaskScheduledEvent> scheduled)
    {
        var batches = new Dictionary<int, LetterJob>();
        var planned = new LinkedList<LetterJob>();
        foreach (var e in history)
        {
            switch (e)
            {
                case TaskCompletedEvent done when scheduled.TryGetValue(done.TaskScheduledId, out var task) && task.Name is nameof(PlanInvitationsActivity) or nameof(PlanRemindersActivity):
                    planned = new LinkedList<LetterJob>(Read<List<LetterJob>>(done.Result) ?? []);
                    break;
                case TaskScheduledEvent { Name: nameof(IssueLettersActivity) } task:
                    if (Read<LetterJob>(task.Input) is { } given)
                    {
                        batches[task.EventId] = given;
                    }
                    else if (planned.First is { } next)
                    {
                        batches[task.EventId] = next.Value;
                        planned.RemoveFirst();
                    }

                    break;
                case TaskFailedEvent failed when batches.TryGetValue(failed.TaskScheduledId, out var again):
                    planned.AddFirst(again);
                    break;
            }
        }

        return batches;
    }

    private static T? Read<T>(string? json)
    {
        try
        {
            return json is null ? default : JsonSerializer.Deserialize<T>(json, AppJson.Web);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
