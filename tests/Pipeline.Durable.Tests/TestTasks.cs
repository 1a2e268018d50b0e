using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Pipeline.Durable.Tests;

/// <summary>What the test activities did: executions per key and per worker.</summary>
internal sealed class Probe
{
    public ConcurrentDictionary<string, int> Runs { get; } = new();

    public ConcurrentDictionary<string, int> ByWorker { get; } = new();

    /// <summary>Holds the slow activity until a test opens it.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set by a test to make the flip-flop orchestrator change its mind on replay.</summary>
    public bool Flip { get; set; }

    public int Record(string key, string worker)
    {
        ByWorker.AddOrUpdate(worker, 1, (_, n) => n + 1);
        return Runs.AddOrUpdate(key, 1, (_, n) => n + 1);
    }
}

internal static class TestTasks
{
    public static void Register(DurableTaskRegistry r) => r
        .AddOrchestrator<HelloSequence>()
        .AddOrchestrator<FanOutFanIn>()
        .AddOrchestrator<LongTimer>()
        .AddOrchestrator<Approvals>()
        .AddOrchestrator<ApprovalOrTimeout>()
        .AddOrchestrator<RetryThenSucceed>()
        .AddOrchestrator<Failing>()
        .AddOrchestrator<Parent>()
        .AddOrchestrator<Counter>()
        .AddOrchestrator<FlipFlop>()
        .AddOrchestrator<Guids>()
        .AddOrchestrator<BigPayload>()
        .AddOrchestrator<KillableSequence>()
        .AddActivity<SayHello>()
        .AddActivity<Square>()
        .AddActivity<Flaky>()
        .AddActivity<Boom>()
        .AddActivity<Echo>()
        .AddOrchestrator<SlowOne>()
        .AddOrchestrator<SlowOrStop>()
        .AddOrchestrator<SlowOrDeadline>()
        .AddActivity<Slow>();
}

internal sealed class HelloSequence : TaskOrchestrator<string[], string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string[] input)
    {
        var parts = new List<string>();
        foreach (var name in input)
        {
            parts.Add(await context.CallActivityAsync<string>(nameof(SayHello), name));
            context.SetCustomStatus(new { done = parts.Count });
        }

        return string.Join(" ", parts);
    }
}

internal sealed class FanOutFanIn : TaskOrchestrator<int, long>
{
    public override async Task<long> RunAsync(TaskOrchestrationContext context, int input)
    {
        var squares = await Task.WhenAll(Enumerable.Range(1, input).Select(i => context.CallActivityAsync<long>(nameof(Square), i)));
        return squares.Sum();
    }
}

internal sealed class LongTimer : TaskOrchestrator<int, DateTime>
{
    public override async Task<DateTime> RunAsync(TaskOrchestrationContext context, int days)
    {
        await context.CreateTimer(context.CurrentUtcDateTime.AddDays(days), CancellationToken.None);
        return context.CurrentUtcDateTime;
    }
}

internal sealed class Approvals : TaskOrchestrator<int, string[]>
{
    public override async Task<string[]> RunAsync(TaskOrchestrationContext context, int count)
    {
        // The activity first, so that events raised right after the start arrive before anyone waits.
        await context.CallActivityAsync<string>(nameof(Echo), "warm-up");
        var got = new List<string>();
        for (var i = 0; i < count; i++)
        {
            got.Add(await context.WaitForExternalEvent<string>("approve"));
        }

        return [.. got];
    }
}

internal sealed class ApprovalOrTimeout : TaskOrchestrator<int, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, int hours)
    {
        using var cancel = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime.AddHours(hours), cancel.Token);
        var approval = context.WaitForExternalEvent<string>("approve", cancel.Token);
        var winner = await Task.WhenAny(timer, approval);
        cancel.Cancel();
        return winner == approval ? "approved by " + approval.Result : "timed out";
    }
}

internal sealed class RetryThenSucceed : TaskOrchestrator<int, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, int failures) =>
        context.CallActivityAsync<string>(nameof(Flaky), failures, new TaskOptions(new RetryPolicy(4, TimeSpan.FromSeconds(10), 2)));
}

internal sealed class Failing : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) =>
        context.CallActivityAsync<string>(nameof(Boom), input);
}

internal sealed class Parent : TaskOrchestrator<string[], string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string[] input)
    {
        var a = await context.CallSubOrchestratorAsync<string>(nameof(HelloSequence), input);
        var b = await context.CallSubOrchestratorAsync<string>(nameof(HelloSequence), input.Reverse().ToArray());
        return a + " | " + b;
    }
}

internal sealed class Counter : TaskOrchestrator<int, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, int value)
    {
        if (value >= 5)
        {
            return value;
        }

        await context.CallActivityAsync<string>(nameof(Echo), value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        context.ContinueAsNew(value + 1);
        return value;
    }
}

internal sealed class FlipFlop(Probe probe) : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var first = probe.Flip ? nameof(Echo) : nameof(SayHello);
        await context.CallActivityAsync<string>(first, input);
        await context.WaitForExternalEvent<string>("go");
        return "done";
    }
}

internal sealed class Guids : TaskOrchestrator<string, Guid[]>
{
    public override async Task<Guid[]> RunAsync(TaskOrchestrationContext context, string input)
    {
        var before = context.NewGuid();
        await context.CallActivityAsync<string>(nameof(Echo), before.ToString());
        var after = context.NewGuid();
        return [before, after];
    }
}

internal sealed class BigPayload : TaskOrchestrator<string, int>
{
    public override async Task<int> RunAsync(TaskOrchestrationContext context, string input)
    {
        var echoed = await context.CallActivityAsync<string>(nameof(Echo), input);
        context.SetCustomStatus(echoed);
        return echoed.Length;
    }
}

internal sealed class SayHello(Probe probe, IOptions<DurableTaskOptions> options) : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input)
    {
        probe.Record($"{context.InstanceId}/{context.TaskId}", options.Value.WorkerId);
        return Task.FromResult($"Hello {input}!");
    }
}

internal sealed class Square(Probe probe, IOptions<DurableTaskOptions> options) : TaskActivity<int, long>
{
    public override Task<long> RunAsync(TaskActivityContext context, int input)
    {
        probe.Record($"{context.InstanceId}/{context.TaskId}", options.Value.WorkerId);
        return Task.FromResult((long)input * input);
    }
}

internal sealed class Flaky(Probe probe) : TaskActivity<int, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, int failures)
    {
        var run = probe.Record(context.InstanceId + "/flaky", "any");
        return run <= failures ? throw new InvalidOperationException($"attempt {run} fails") : Task.FromResult($"succeeded on attempt {run}");
    }
}

internal sealed class Boom : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) =>
        throw new InvalidOperationException("boom: " + input);
}

internal sealed class Echo : TaskActivity<string, string>
{
    public override Task<string> RunAsync(TaskActivityContext context, string input) => Task.FromResult(input);
}

/// <summary>Runs in the worker processes of <see cref="TwoProcessTests"/> (Pipeline.Benchmarks); named here so the client may start it.</summary>
internal sealed class KillableSequence : TaskOrchestrator<int, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, int input) =>
        throw new InvalidOperationException("Runs only in the benchmark worker processes.");
}

internal sealed class SlowOne : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.CallActivityAsync<string>(nameof(Slow), input);
}

/// <summary>The slow activity against an event "stop": says which came first.</summary>
internal sealed class SlowOrStop : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        var work = context.CallActivityAsync<string>(nameof(Slow), input);
        var stop = context.WaitForExternalEvent<string>("stop");
        return await Task.WhenAny(work, stop) == stop ? "stopped" : await work;
    }
}

/// <summary>The slow activity against a one-day timer: the step that schedules both commits at once.</summary>
internal sealed class SlowOrDeadline : TaskOrchestrator<string, string>
{
    public override async Task<string> RunAsync(TaskOrchestrationContext context, string input)
    {
        using var cancel = new CancellationTokenSource();
        var work = context.CallActivityAsync<string>(nameof(Slow), input);
        var deadline = context.CreateTimer(context.CurrentUtcDateTime.AddDays(1), cancel.Token);
        if (await Task.WhenAny(work, deadline) == deadline)
        {
            return "late";
        }

        cancel.Cancel();
        return work.Result;
    }
}

/// <summary>Runs until the test opens <see cref="Probe.Gate"/>.</summary>
internal sealed class Slow(Probe probe) : TaskActivity<string, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, string input)
    {
        probe.Record(context.InstanceId + "/slow", "any");
        await probe.Gate.Task;
        return input;
    }
}
