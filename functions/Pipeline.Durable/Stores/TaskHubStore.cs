using System.Globalization;
using System.Text;
using Pipeline.Storage;

namespace Pipeline.Durable.Stores;

/// <summary>
/// The task hub's layout on table and blob storage. It runs on Azure Storage in production and on the
/// in-memory storage twin in fast tests: one engine, two stores.
/// <list type="bullet">
/// <item><c>{hub}Instances</c>, one partition per instance: the <c>status</c> row, history chunks
/// <c>h-{execution}-{seq}</c> (one per step) and inbox messages <c>m-{id}</c>. A step commits its chunk,
/// the status and the removal of the messages it consumed in one ETag-guarded batch.</item>
/// <item><c>{hub}Ready</c>: one row per instance with messages to process, leased by ETag.</item>
/// <item><c>{hub}Tasks</c>: activity work items, leased by ETag.</item>
/// <item><c>{hub}Timers</c>: durable timers, keyed by fire time, so that due ones are one range read.</item>
/// <item><c>{hub}Poison</c>: work items set aside after too many claims.</item>
/// <item>blob container <c>{hub}-payloads</c>: payloads over the inline threshold, under <c>{instance}/</c>.</item>
/// </list>
/// No timer or work item is a queue message: Azurite's queues slow down with every stored message.
/// </summary>
internal sealed partial class TaskHubStore(ITableStore tables, IBlobStore blobs, DurableTaskOptions options, TimeProvider time)
{
    public const string StatusRow = "status";
    public const string WorkPartition = "w";

    /// <summary>The "never leased" time; Azure's tables start at 1601.</summary>
    public static readonly DateTimeOffset NoLease = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public string Instances { get; } = options.HubName + "Instances";

    public string Ready { get; } = options.HubName + "Ready";

    public string Tasks { get; } = options.HubName + "Tasks";

    public string Timers { get; } = options.HubName + "Timers";

    public string Poison { get; } = options.HubName + "Poison";

    public string Payloads { get; } = options.HubName + "-payloads";

    public ITableStore Tables => tables;

    public DateTimeOffset Now => time.GetUtcNow();

    public TimeProvider Time => time;

    public static string HistoryPrefix(string executionId) => $"h-{executionId}-";

    public static string MessageRow(string messageId) => "m-" + messageId;

    public static string TaskRow(string instanceId, string executionId, int taskId) => $"{instanceId}|{executionId}|{taskId}";

    public static string TimerRow(DateTime fireAt, string instanceId, string executionId, int timerId) =>
        $"{fireAt.Ticks.ToString("D19", CultureInfo.InvariantCulture)}|{instanceId}|{executionId}|{timerId}";

    /// <summary>Puts <paramref name="json"/> on the row inline, or in a blob when it is large.</summary>
    public async Task SetPayloadAsync(Dictionary<string, object> properties, string name, string? json, string instanceId, string blobName, CancellationToken cancellationToken)
    {
        if (json is null)
        {
            return;
        }

        if (json.Length <= options.LargePayloadThreshold)
        {
            properties[name] = json;
            return;
        }

        var path = $"{instanceId}/{blobName}";
        await blobs.PutAsync(Payloads, path, Encoding.UTF8.GetBytes(json), BlobCondition.None, cancellationToken);
        properties[name + "Blob"] = path;
    }

    /// <summary>Reads a payload set by <see cref="SetPayloadAsync"/>.</summary>
    public async Task<string?> GetPayloadAsync(TableRow row, string name, CancellationToken cancellationToken)
    {
        if (row.Properties.TryGetValue(name, out var inline))
        {
            return (string)inline;
        }

        if (row.Properties.TryGetValue(name + "Blob", out var path))
        {
            var blob = await blobs.GetAsync(Payloads, (string)path, cancellationToken);
            return Encoding.UTF8.GetString(blob.Content.Span);
        }

        return null;
    }

    public async Task DeletePayloadsAsync(string instanceId, CancellationToken cancellationToken)
    {
        await foreach (var blob in blobs.ListAllAsync(Payloads, instanceId + "/", cancellationToken))
        {
            await blobs.DeleteAsync(Payloads, blob.Name, null, cancellationToken);
        }
    }

    /// <summary>
    /// Wakes an instance. Its ready row is created, leased to <paramref name="claimFor"/> when given (the row with
    /// its ETag is returned, and the caller runs the step at once), or, when the row exists, only marked, leaving
    /// any lease on it alone.
    /// </summary>
    public async Task<TableRow?> SignalAsync(string instanceId, CancellationToken cancellationToken, string? claimFor = null, bool rowExists = false)
    {
        var now = Now;
        var signal = Guid.NewGuid().ToString("N");
        if (rowExists)
        {
            // The caller knows the row is there (its instance is stepping in this process): one merge is enough.
            await MarkAsync(instanceId, signal, now, cancellationToken);
            return null;
        }

        var row = new TableRow(WorkPartition, instanceId, new Dictionary<string, object>
        {
            ["Signal"] = signal,
            ["SignaledAt"] = now,
            ["LeaseOwner"] = claimFor ?? string.Empty,
            ["LeaseUntil"] = claimFor is null ? NoLease : now + options.LeaseDuration,
            ["DequeueCount"] = claimFor is null ? 0 : 1,
        });
        try
        {
            var etag = await tables.InsertAsync(Ready, row, cancellationToken);
            return claimFor is null ? null : row with { ETag = etag };
        }
        catch (ConflictException)
        {
            await MarkAsync(instanceId, signal, now, cancellationToken);
            return null;
        }
    }

    private Task<string> MarkAsync(string instanceId, string signal, DateTimeOffset now, CancellationToken cancellationToken) =>
        tables.MergeAsync(Ready, new TableRow(WorkPartition, instanceId, new Dictionary<string, object>
        {
            ["Signal"] = signal,
            ["SignaledAt"] = now,
        }), cancellationToken);

    /// <summary>
    /// Delivers a message to an instance's inbox (idempotent by id: the first copy wins), then wakes it; see
    /// <see cref="SignalAsync"/> for <paramref name="claimFor"/>.
    /// </summary>
    public async Task<TableRow?> SendAsync(string instanceId, string messageId, string? executionId, HistoryEvent message, CancellationToken cancellationToken, string? claimFor = null, bool readyExists = false)
    {
        var row = await MessageRowAsync(instanceId, new InboxMessage(messageId, executionId, NextSeq(), message), cancellationToken);
        try
        {
            await tables.InsertAsync(Instances, row, cancellationToken);
        }
        catch (ConflictException)
        {
            // The same message is already waiting: the first copy wins.
        }

        return await SignalAsync(instanceId, cancellationToken, claimFor, readyExists);
    }

    private long _lastSeq;

    /// <summary>
    /// The arrival order of inbox messages: the clock's ticks, made strictly increasing within this process,
    /// so that events one caller raises in a row are delivered in that order even within one tick.
    /// </summary>
    public long NextSeq()
    {
        while (true)
        {
            var last = Interlocked.Read(ref _lastSeq);
            var next = Math.Max(Now.UtcTicks, last + 1);
            if (Interlocked.CompareExchange(ref _lastSeq, next, last) == last)
            {
                return next;
            }
        }
    }

    /// <summary>Sets a work item aside for good, with why.</summary>
    public Task PoisonAsync(string kind, string key, string instanceId, string reason, CancellationToken cancellationToken) =>
        tables.UpsertAsync(Poison, new TableRow(kind, key.Replace('|', '_'), new Dictionary<string, object>
        {
            ["InstanceId"] = instanceId,
            ["Reason"] = reason,
            ["At"] = Now,
        }), cancellationToken);
}
