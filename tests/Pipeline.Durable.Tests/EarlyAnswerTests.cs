using Pipeline.Durable.Worker;

namespace Pipeline.Durable.Tests;

/// <summary>
/// An answer can reach the inbox before the step that schedules its task commits: a step sent the work, crashed
/// before its commit, and the activity answered before the step ran again. Such an answer must never be dropped.
/// </summary>
public sealed class EarlyAnswerTests
{
    private static readonly DateTime Now = new(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc);

    private static readonly HistoryEvent[] StartedFirstTask =
    [
        new OrchestratorStarted { Timestamp = Now },
        new ExecutionStarted(nameof(HelloSequence), "e", """["x","y","z"]""", null) { Timestamp = Now },
        new TaskScheduled(0, nameof(SayHello), "\"x\"") { Timestamp = Now },
    ];

    private static ExecutionResult Step(IReadOnlyList<HistoryEvent> past, params HistoryEvent[] incoming) =>
        new ReplayContext("i", new HelloSequence(), null, null).Execute(past, incoming, Now);

    private static TaskCompleted Answer(int task, string result) => new(task, $"\"{result}\"") { MessageId = $"a-e-{task}", Timestamp = Now };

    [Fact]
    public void AnAnswerOrderedBeforeTheAnswerThatLeadsToItsTask_IsAppliedInTheSameStep()
    {
        var result = Step(StartedFirstTask, Answer(1, "Hello y!"), Answer(0, "Hello x!"));

        Assert.Empty(result.Waiting);
        Assert.Contains(result.NewEvents, e => e is TaskCompleted { TaskScheduledId: 1 });
        Assert.Contains(result.NewEvents, e => e is TaskScheduled { EventId: 2 });

        // The history it leaves replays to the same place.
        var replayed = Step([.. StartedFirstTask, .. result.NewEvents], Answer(2, "Hello z!"));
        Assert.Equal("\"Hello x! Hello y! Hello z!\"", replayed.Completion?.Result);
    }

    [Fact]
    public void AnAnswerForATaskNotScheduledYet_WaitsInTheInbox()
    {
        var result = Step(StartedFirstTask, Answer(1, "Hello y!"));

        Assert.Equal(["a-e-1"], result.Waiting);
        Assert.DoesNotContain(result.NewEvents, e => e is TaskCompleted);

        // Once the task is scheduled the answer that waited is applied.
        var next = Step([.. StartedFirstTask, .. result.NewEvents], Answer(0, "Hello x!"), Answer(1, "Hello y!"));
        Assert.Empty(next.Waiting);
        Assert.Contains(next.NewEvents, e => e is TaskScheduled { EventId: 2 });
    }
}
