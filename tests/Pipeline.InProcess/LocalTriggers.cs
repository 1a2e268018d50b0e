using System.Globalization;
using Microsoft.Azure.Functions.Worker;
using NCrontab;
using Pipeline.Functions.Platform;
using Pipeline.Storage;

namespace Pipeline.InProcess;

/// <summary>
/// The local runner's timer and queue triggers, over the same functions Azure triggers (<see cref="FunctionCatalog"/>).
/// <list type="bullet">
/// <item>A timer function runs at each occurrence of its schedule (the app setting its attribute names), in UTC, and at
/// start-up only when an occurrence was missed while no host was up, as Functions' schedule monitor does
/// (<see cref="ScheduleMonitor"/>, which also keeps two local hosts from running one occurrence).</item>
/// <item>A queue function takes messages from its queue on the connection <c>AzureWebJobsStorage</c>, with
/// <c>host.json</c>'s <c>extensions.queues</c> settings as the Functions host reads them: <c>batchSize</c> (16),
/// <c>maxPollingInterval</c> (1 min; polled again at once after a message), <c>visibilityTimeout</c> (0: a failed message is
/// retried at once), <c>maxDequeueCount</c> (5; then it moves to <c>{queue}-poison</c>).</item>
/// </list>
/// Settings are checked at start-up: a missing setting or a bad schedule stops the host, naming it.
/// </summary>
internal sealed partial class LocalTriggers(IServiceProvider services, IConfiguration configuration, IQueueStore queues, ScheduleMonitor timers, TimeProvider time, ILogger<LocalTriggers> logger)
    : BackgroundService
{
    private static readonly TimeSpan Hidden = TimeSpan.FromMinutes(10);

    private readonly List<Func<CancellationToken, Task>> _loops = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var function in FunctionCatalog.Of<TimerTriggerAttribute>())
        {
            var expression = LocalRunner.Resolve(function.TriggerAs<TimerTriggerAttribute>().Schedule, configuration, function.Name);
            var schedule = Schedule.IsValid(expression)
                ? Schedule.Parse(expression)
                : throw new InvalidOperationException($"The schedule of function '{function.Name}', '{expression}', {Schedule.Expected}");
            _loops.Add(ct => TimerAsync(function, schedule, ct));
        }

        var settings = configuration.GetSection("AzureFunctionsJobHost:extensions:queues");
        var poll = Setting(settings, "maxPollingInterval", TimeSpan.FromMinutes(1));
        var visibility = Setting(settings, "visibilityTimeout", TimeSpan.Zero);
        var batch = (int)Setting(settings, "batchSize", 16, 1, 32);
        var dequeues = Setting(settings, "maxDequeueCount", 5, 1, 1000);
        foreach (var function in FunctionCatalog.Of<QueueTriggerAttribute>())
        {
            var queue = LocalRunner.Resolve(function.TriggerAs<QueueTriggerAttribute>().QueueName, configuration, function.Name);
            _loops.Add(ct => QueueAsync(function, queue, poll, visibility, batch, dequeues, ct));
        }

        return base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(_loops.Select(loop => Task.Run(() => loop(stoppingToken), stoppingToken)));

    private async Task TimerAsync(FunctionEntry function, CrontabSchedule schedule, CancellationToken stoppingToken)
    {
        for (var startUp = true; !stoppingToken.IsCancellationRequested; startUp = false)
        {
            TimerClaim claim;
            try
            {
                claim = await timers.ClaimAsync(function.Name, schedule.GetNextOccurrence, stoppingToken);
            }
            catch (StoreException e)
            {
                Log.Unreachable(logger, function.Name, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), time, stoppingToken);
                continue;
            }

            if (claim.Occurrence is not null)
            {
                await RunAsync(function, new TimerInfo { IsPastDue = startUp }, stoppingToken);
            }

            var wait = claim.Next - time.GetUtcNow().UtcDateTime;
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, time, stoppingToken);
        }
    }

    private async Task QueueAsync(FunctionEntry function, string queue, TimeSpan poll, TimeSpan visibility, int batch, long dequeues, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<QueueMessage> messages = [];
            try
            {
                messages = await queues.ReceiveAsync(queue, batch, Hidden, stoppingToken);
            }
            catch (StoreException e) when (e.StatusCode is null)
            {
                Log.Unreachable(logger, function.Name, e.Message);
            }

            foreach (var message in messages)
            {
                await TakeAsync(function, queue, message, visibility, dequeues, stoppingToken);
            }

            if (messages.Count == 0)
            {
                await Task.Delay(poll, time, stoppingToken);
            }
        }
    }

    private async Task TakeAsync(FunctionEntry function, string queue, QueueMessage message, TimeSpan visibility, long dequeues, CancellationToken stoppingToken)
    {
        try
        {
            if (await RunAsync(function, message.Content, stoppingToken))
            {
                await queues.DeleteAsync(queue, message.Id, message.PopReceipt, stoppingToken);
            }
            else if (message.DequeueCount >= dequeues)
            {
                await queues.AddAsync(queue + "-poison", message.Content, TimeSpan.Zero, stoppingToken);
                await queues.DeleteAsync(queue, message.Id, message.PopReceipt, stoppingToken);
                Log.Poisoned(logger, function.Name, message.DequeueCount, queue + "-poison");
            }
            else
            {
                await queues.UpdateVisibilityAsync(queue, message.Id, message.PopReceipt, visibility < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : visibility, stoppingToken);
            }
        }
        catch (StoreException e)
        {
            // The message comes back after its visibility timeout.
            Log.Unreachable(logger, function.Name, e.Message);
        }
    }

    /// <summary>One invocation in its own scope; false when it failed (logged, without the trigger's content).</summary>
    private async Task<bool> RunAsync(FunctionEntry function, object trigger, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = services.CreateAsyncScope();
            await LocalRunner.InvokeAsync(function, scope.ServiceProvider, trigger, stoppingToken);
            return true;
        }
        catch (StoreException e) when (e.StatusCode is null)
        {
            Log.Unreachable(logger, function.Name, e.Message);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.Failed(logger, function.Name, e);
        }

        return false;
    }

    private static TimeSpan Setting(IConfiguration section, string key, TimeSpan fallback) =>
        section[key] is not { } text ? fallback
        : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.Zero ? value
        : throw new InvalidOperationException($"host.json extensions.queues.{key} must be a time span such as 00:00:02; it is '{text}'.");

    private static long Setting(IConfiguration section, string key, long fallback, long least, long most) =>
        section[key] is not { } text ? fallback
        : long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= least && value <= most ? value
        : throw new InvalidOperationException($"host.json extensions.queues.{key} must be a whole number from {least} to {most}; it is '{text}'.");

    private static partial class Log
    {
        [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Function {Function} failed; its trigger tries again")]
        public static partial void Failed(ILogger logger, string function, Exception exception);

        [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Function {Function}: storage did not answer ({Reason}); its trigger tries again")]
        public static partial void Unreachable(ILogger logger, string function, string reason);

        [LoggerMessage(EventId = 5004, Level = LogLevel.Warning, Message = "Function {Function}: a message failed {Count} times and moved to {Queue}")]
        public static partial void Poisoned(ILogger logger, string function, int count, string queue);
    }
}
