using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Google.Protobuf;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using NCrontab;
using Pipeline.LocalHost.Rpc;
using Pipeline.Storage;

namespace Pipeline.LocalHost.Triggers;

/// <summary>
/// The timer and queue triggers of the worker's functions, as the Functions host's extensions run them:
/// <list type="bullet">
/// <item>Timers: the NCRONTAB schedule with seconds, <c>%setting%</c> resolved from the app settings, in UTC; the
/// schedule monitor's status blob (<see cref="ScheduleMonitor"/>: nothing at a first start, a missed occurrence once, past
/// due, at the next; one host per occurrence); the invocation's input is the <c>TimerInfo</c> JSON the host sends
/// (azure-webjobs-sdk-extensions TimerTriggerBinding; WorkerFunctionInvoker: a non-primitive as Json).</item>
/// <item>Queues: <c>host.json</c>'s <c>extensions.queues</c> (<c>batchSize</c> 16, <c>maxPollingInterval</c> 1 min with
/// the host's back-off from 100 ms doubling while the queue is empty, <c>visibilityTimeout</c> 0, <c>maxDequeueCount</c> 5
/// then <c>{queue}-poison</c>: azure-webjobs-sdk QueuesOptions, QueueListener, QueueProcessor); the input is the message
/// as a string with the trigger metadata the worker binds (QueueTrigger, DequeueCount, Id, PopReceipt, InsertionTime).</item>
/// </list>
/// </summary>
internal sealed partial class TriggerLoops(WorkerHost worker, IReadOnlyDictionary<string, string?> settings, StorageSet storage, string appDirectory, TimeProvider time, ILogger logger)
{
    private static readonly CrontabSchedule.ParseOptions WithSeconds = new() { IncludingSeconds = true };

    /// <summary>How long a message taken stays hidden while its function runs.</summary>
    private static readonly TimeSpan Hidden = TimeSpan.FromMinutes(10);

    public Task RunAsync(IEnumerable<WorkerFunction> functions, CancellationToken stopping)
    {
        var queues = QueueSettings(appDirectory, settings);
        var loops = new List<Task>();
        foreach (var function in functions)
        {
            if (function.TriggerType.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var expression = Resolve(function.Trigger.GetProperty("schedule").GetString()!, function.Name);
                var schedule = CrontabSchedule.TryParse(expression, WithSeconds)
                    ?? throw new InvalidOperationException($"The schedule of function '{function.Name}', '{expression}', is not an NCRONTAB expression of 6 fields.");
                loops.Add(Task.Run(() => TimerAsync(function, schedule, stopping), stopping));
            }
            else if (function.TriggerType.Equals("queueTrigger", StringComparison.OrdinalIgnoreCase))
            {
                var queue = Resolve(function.Trigger.GetProperty("queueName").GetString()!, function.Name);
                loops.Add(Task.Run(() => QueueAsync(function, queue, queues, stopping), stopping));
            }
        }

        return Task.WhenAll(loops);
    }

    /// <summary>Replaces each <c>%name%</c> with that app setting, as the host resolves binding expressions.</summary>
    public string Resolve(string expression, string function) =>
        Setting().Replace(expression, m => settings.GetValueOrDefault(m.Groups[1].Value) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Function '{function}' names app setting '{m.Groups[1].Value}', which is not set."));

    private async Task TimerAsync(WorkerFunction function, CrontabSchedule schedule, CancellationToken stopping)
    {
        var monitor = new ScheduleMonitor(storage.Blobs, time);
        for (var startUp = true; !stopping.IsCancellationRequested; startUp = false)
        {
            TimerClaim claim;
            try
            {
                claim = await monitor.ClaimAsync(function.Name, schedule.GetNextOccurrence, stopping);
            }
            catch (StoreException e)
            {
                Log.StorageUnreachable(logger, function.Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stopping);
                continue;
            }

            if (claim.Occurrence is { } occurrence)
            {
                var timer = JsonSerializer.Serialize(new
                {
                    Schedule = new { AdjustForDST = true },
                    ScheduleStatus = new { Last = occurrence, Next = claim.Next, LastUpdated = time.GetUtcNow().UtcDateTime },
                    IsPastDue = startUp,
                });
                await InvokeAsync(function, new TypedData { Json = timer }, new Dictionary<string, TypedData>(), stopping);
            }

            var wait = claim.Next - time.GetUtcNow().UtcDateTime;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stopping);
        }
    }

    private async Task QueueAsync(WorkerFunction function, string queue, QueueOptions options, CancellationToken stopping)
    {
        var wait = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> messages = [];
            try
            {
                messages = await storage.Queues.ReceiveAsync(queue, options.BatchSize, Hidden, stopping);
            }
            catch (StoreException e)
            {
                Log.StorageUnreachable(logger, function.Name, e.Message);
            }

            await Task.WhenAll(messages.Select(m => TakeAsync(function, queue, m, options, stopping)));
            if (messages.Count > 0)
            {
                wait = TimeSpan.FromMilliseconds(100);
                continue;
            }

            await Task.Delay(wait, stopping);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.MaxPollingInterval.Ticks));
        }
    }

    private async Task TakeAsync(WorkerFunction function, string queue, QueueMessage message, QueueOptions options, CancellationToken stopping)
    {
        var metadata = new Dictionary<string, TypedData>
        {
            ["QueueTrigger"] = new() { String = message.Content },
            ["DequeueCount"] = new() { Json = message.DequeueCount.ToString(CultureInfo.InvariantCulture) },
            ["Id"] = new() { String = message.Id },
            ["PopReceipt"] = new() { String = message.PopReceipt },
        };
        if (message.InsertedOn is { } inserted)
        {
            metadata["InsertionTime"] = new() { Json = JsonSerializer.Serialize(inserted) };
        }

        try
        {
            if (await InvokeAsync(function, new TypedData { String = message.Content }, metadata, stopping))
            {
                await storage.Queues.DeleteAsync(queue, message.Id, message.PopReceipt, stopping);
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                await storage.Queues.AddAsync(queue + "-poison", message.Content, TimeSpan.Zero, stopping);
                await storage.Queues.DeleteAsync(queue, message.Id, message.PopReceipt, stopping);
                Log.Poisoned(logger, function.Name, message.DequeueCount, queue + "-poison");
            }
            else
            {
                await storage.Queues.UpdateVisibilityAsync(queue, message.Id, message.PopReceipt, options.VisibilityTimeout, stopping);
            }
        }
        catch (StoreException e)
        {
            Log.StorageUnreachable(logger, function.Name, e.Message); // the message comes back after its visibility timeout
        }
    }

    /// <summary>One invocation of <paramref name="function"/>; false when it failed (the worker logged why).</summary>
    private async Task<bool> InvokeAsync(WorkerFunction function, TypedData input, Dictionary<string, TypedData> metadata, CancellationToken stopping)
    {
        var channel = worker.Channel;
        try
        {
            await channel.Ready.WaitAsync(stopping);
            var request = worker.Request(function, input);
            request.TriggerMetadata.Add(metadata);
            var response = await channel.InvokeAsync(request, stopping);
            if (response.Result.Status == StatusResult.Types.Status.Success)
            {
                return true;
            }

            Log.FunctionFailed(logger, function.Name, response.Result.Exception?.Type ?? response.Result.Status.ToString());
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Log.FunctionFailed(logger, function.Name, e.GetType().Name); // the worker died meanwhile: the trigger tries again
        }

        return false;
    }

    /// <summary>
    /// <c>extensions.queues</c> of the app's host.json, where app settings <c>AzureFunctionsJobHost:extensions:queues:*</c>
    /// override it (as the host reads its configuration), with the host's defaults (azure-webjobs-sdk QueuesOptions:
    /// batchSize 16, maxPollingInterval 1 min, visibilityTimeout 0, maxDequeueCount 5).
    /// </summary>
    public static QueueOptions QueueSettings(string appDirectory, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = HostJson.Section(appDirectory, "extensions:queues", settings);
        TimeSpan Span(string name, TimeSpan fallback) => values.TryGetValue(name, out var v) ? TimeSpan.Parse(v, CultureInfo.InvariantCulture) : fallback;
        int Number(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new QueueOptions(Number("batchSize", 16), Span("maxPollingInterval", TimeSpan.FromMinutes(1)), Span("visibilityTimeout", TimeSpan.Zero), Number("maxDequeueCount", 5));
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Setting();
}

/// <summary><c>host.json</c>'s <c>extensions.queues</c>, as the host reads them.</summary>
internal sealed record QueueOptions(int BatchSize, TimeSpan MaxPollingInterval, TimeSpan VisibilityTimeout, int MaxDequeueCount);
