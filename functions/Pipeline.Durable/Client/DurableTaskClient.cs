using Pipeline.Durable.Stores;
using Pipeline.Durable.Worker;
using Pipeline.Storage;

namespace Pipeline.Durable.Client;

/// <summary>
/// Starts, queries, signals, terminates and purges orchestration instances. Calls that change an instance
/// write a message to its inbox and then wake it; a call that fails may be retried.
/// </summary>
public sealed partial class DurableTaskClient
{
    private readonly TaskHubStore _hub;
    private readonly DurableTaskRegistry _registry;
    private readonly WorkSignal _signal;

    internal DurableTaskClient(TaskHubStore hub, DurableTaskRegistry registry, WorkSignal signal)
    {
        _hub = hub;
        _registry = registry;
        _signal = signal;
    }

    /// <summary>
    /// Schedules a new instance of orchestrator <paramref name="name"/> and returns its id (a new GUID unless given).
    /// A finished instance with the same id is replaced; a pending or running one is an
    /// <see cref="OrchestrationInstanceException"/> (<see cref="InstanceProblem.AlreadyRunning"/>).
    /// </summary>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(string name, object? input = null, string? instanceId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (!_registry.HasOrchestrator(name))
        {
            throw new ArgumentException($"No orchestrator named '{name}' is registered.", nameof(name));
        }

        instanceId ??= Guid.NewGuid().ToString("N");
        ValidateInstanceId(instanceId);
        var existing = await _hub.Tables.TryGetAsync(_hub.Instances, instanceId, TaskHubStore.StatusRow, cancellationToken);
        if (existing is not null)
        {
            var status = await _hub.ReadStatusAsync(existing, withPayloads: false, cancellationToken);
            if (!status.Status.IsTerminal())
            {
                // A caller retrying after a crash between the write and the wake-up gets the wake-up now.
                await _hub.SignalAsync(instanceId, cancellationToken);
                throw new OrchestrationInstanceException(instanceId, InstanceProblem.AlreadyRunning, $"An instance with id '{instanceId}' is already {status.Status}.");
            }
        }

        var now = _hub.Now;
        var created = new InstanceStatus(instanceId, name, Guid.NewGuid().ToString("N"), OrchestrationRuntimeStatus.Pending, now, now, 0);
        try
        {
            await _hub.CreateAsync(created, DurableJson.Serialize(input), existing, cancellationToken);
        }
        catch (StoreException e) when (e is ConflictException or PreconditionFailedException)
        {
            throw new OrchestrationInstanceException(instanceId, InstanceProblem.AlreadyRunning, $"An instance with id '{instanceId}' was started concurrently.");
        }

        await _hub.SignalAsync(instanceId, cancellationToken);
        _signal.PulseOrchestrations();
        return instanceId;
    }

    /// <summary>The instance, or null when there is none. Input and output are read only when asked for.</summary>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var status = await _hub.GetStatusAsync(instanceId, getInputsAndOutputs, cancellationToken);
        return status is null ? null : ToMetadata(status);
    }

    /// <summary>The current execution's history, oldest first (a history API the isolated Functions worker lacks).</summary>
    public async Task<IReadOnlyList<HistoryEvent>> GetInstanceHistoryAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var snapshot = await _hub.LoadAsync(instanceId, cancellationToken);
        return snapshot.Status is null
            ? throw new OrchestrationInstanceException(instanceId, InstanceProblem.NotFound, $"No instance has id '{instanceId}'.")
            : snapshot.History;
    }

    /// <summary>One page of instances matching <paramref name="query"/>, in id order.</summary>
    public async Task<OrchestrationPage> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var filter = TableQuery.All.Where("RowKey", TableComparison.Equal, TaskHubStore.StatusRow) with
        {
            PageSize = Math.Clamp(query.PageSize, 1, 1000),
            Continuation = query.ContinuationToken,
        };
        if (query.Statuses is [var only])
        {
            filter = filter.Where("Status", TableComparison.Equal, only.ToString());
        }

        if (query.CreatedFrom is { } from)
        {
            filter = filter.Where("CreatedAt", TableComparison.GreaterThanOrEqual, from);
        }

        if (query.CreatedTo is { } to)
        {
            filter = filter.Where("CreatedAt", TableComparison.LessThanOrEqual, to);
        }

        var page = await _hub.Tables.QueryAsync(_hub.Instances, filter, cancellationToken);
        var instances = new List<OrchestrationMetadata>();
        foreach (var row in page.Rows)
        {
            var status = await _hub.ReadStatusAsync(row, withPayloads: false, cancellationToken);
            if (query.Statuses is not { Count: > 1 } statuses || statuses.Contains(status.Status))
            {
                instances.Add(ToMetadata(status));
            }
        }

        return new OrchestrationPage(instances, page.Continuation);
    }

    /// <summary>
    /// Raises event <paramref name="eventName"/> on a pending or running instance. An unknown or finished instance is an
    /// <see cref="OrchestrationInstanceException"/>, never a silent drop. Pass <paramref name="eventId"/> to make retries idempotent.
    /// </summary>
    public async Task RaiseEventAsync(string instanceId, string eventName, object? eventData = null, string? eventId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        await RequireRunningAsync(instanceId, "raise an event on", cancellationToken);
        var id = "e-" + (eventId ?? Guid.NewGuid().ToString("N"));
        await _hub.SendAsync(instanceId, id, null, new EventRaised(eventName, DurableJson.Serialize(eventData)) { Timestamp = _hub.Now.UtcDateTime }, cancellationToken);
        _signal.PulseOrchestrations();
    }

    /// <summary>Terminates a pending or running instance; its timers and pending work are removed when it stops.</summary>
    public async Task TerminateInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        await RequireRunningAsync(instanceId, "terminate", cancellationToken);
        await _hub.SendAsync(instanceId, "x-" + Guid.NewGuid().ToString("N"), null, new ExecutionTerminated(reason) { Timestamp = _hub.Now.UtcDateTime }, cancellationToken);
        _signal.PulseOrchestrations();
    }

    /// <summary>Polls until the instance has finished and returns it with its payloads.</summary>
    public async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (true)
        {
            var instance = await GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken)
                ?? throw new OrchestrationInstanceException(instanceId, InstanceProblem.NotFound, $"No instance has id '{instanceId}'.");
            if (instance.IsCompleted)
            {
                return instance;
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMilliseconds(500).Ticks));
        }
    }

    private async Task<InstanceStatus> RequireRunningAsync(string instanceId, string what, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(instanceId);
        var status = await _hub.GetStatusAsync(instanceId, withPayloads: false, cancellationToken)
            ?? throw new OrchestrationInstanceException(instanceId, InstanceProblem.NotFound, $"Cannot {what} instance '{instanceId}': no instance has that id.");
        return status.Status.IsTerminal()
            ? throw new OrchestrationInstanceException(instanceId, InstanceProblem.NotRunning, $"Cannot {what} instance '{instanceId}': it is {status.Status}.")
            : status;
    }

    private static void ValidateInstanceId(string instanceId)
    {
        if (instanceId.Length > 200 || instanceId.AsSpan().IndexOfAny("/\\#?|") >= 0 || instanceId.Any(char.IsControl))
        {
            throw new ArgumentException($"Instance id '{instanceId}' must be at most 200 characters, without / \\ # ? | or control characters.", nameof(instanceId));
        }
    }

    private static OrchestrationMetadata ToMetadata(InstanceStatus status) =>
        new(status.InstanceId, status.Name, status.Status, status.CreatedAt, status.LastUpdatedAt)
        {
            CompletedAt = status.CompletedAt,
            SerializedInput = status.Input,
            SerializedOutput = status.Output,
            SerializedCustomStatus = status.CustomStatus,
            FailureDetails = status.Failure,
        };
}
