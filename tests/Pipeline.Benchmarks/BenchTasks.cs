using Microsoft.DurableTask;
using Pipeline.InProcess;

namespace Pipeline.Benchmarks;

internal static class BenchTasks
{
    public static void Register(TaskRegistry r) => r
        .AddOrchestrator<HelloSequenceN>()
        .AddOrchestrator<FanOut>()
        .AddOrchestrator<Sleeper>()
        .AddActivity<Hello>();
}

/// <summary>Durable Functions' "HelloSequence" shape: N activities one after another.</summary>
internal sealed class HelloSequenceN : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await context.CallActivityAsync<string>(nameof(Hello), "city " + i);
        }

        return count;
    }
}

internal sealed class FanOut : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int count)
    {
        var results = await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<string>(nameof(Hello), "city " + i)));
        return results.Length;
    }
}

/// <summary>Another wave's run, far away: it waits on a timer three weeks ahead (the backlog the queue trap is about).</summary>
internal sealed class Sleeper : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int days)
    {
        await context.CreateTimer(context.CurrentUtcDateTime.AddDays(days), CancellationToken.None);
        return days;
    }
}

internal sealed class Hello(FirstActivityClock clock) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        clock.FirstRun.TryAdd(context.InstanceId, System.Diagnostics.Stopwatch.GetTimestamp());
        return Task.FromResult("Hello " + input);
    }
}

/// <summary>The time the first activity of an instance ran, for the start-latency benchmark.</summary>
internal sealed class FirstActivityClock
{
    public System.Collections.Concurrent.ConcurrentDictionary<string, long> FirstRun { get; } = new();
}
