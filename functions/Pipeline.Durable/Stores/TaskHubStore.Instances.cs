using System.Globalization;
using System.Text.Json;
using Pipeline.Storage;

namespace Pipeline.Durable.Stores;

/// <summary>The instance partition: status, history chunks and inbox.</summary>
internal sealed partial class TaskHubStore
{
    /// <summary>Reads an instance's whole partition in key order: history chunks, inbox, status.</summary>
    public async Task<InstanceSnapshot> LoadAsync(string instanceId, CancellationToken cancellationToken)
    {
        var rows = await tables.QueryAllAsync(Instances, TableQuery.InPartition(instanceId), cancellationToken).ToListAsync(cancellationToken);
        var statusRow = rows.Find(r => r.RowKey == StatusRow);
        var status = statusRow is null ? null : await ReadStatusAsync(statusRow, withPayloads: false, cancellationToken);
        var history = new List<HistoryEvent>();
        var inbox = new List<InboxMessage>();
        var stale = new List<string>();
        var current = status is null ? null : HistoryPrefix(status.ExecutionId);
        foreach (var row in rows)
        {
            if (row.RowKey.StartsWith("h-", StringComparison.Ordinal))
            {
                if (current is not null && row.RowKey.StartsWith(current, StringComparison.Ordinal))
                {
                    var events = await GetPayloadAsync(row, "Events", cancellationToken);
                    history.AddRange(JsonSerializer.Deserialize<List<HistoryEvent>>(events!, DurableJson.Options)!);
                }
                else
                {
                    stale.Add(row.RowKey);
                }
            }
            else if (row.RowKey.StartsWith("m-", StringComparison.Ordinal))
            {
                var json = await GetPayloadAsync(row, "Event", cancellationToken);
                var message = JsonSerializer.Deserialize<HistoryEvent>(json!, DurableJson.Options)!;
                inbox.Add(new InboxMessage(row.RowKey[2..], row.GetString("ExecutionId"), row.Get<long>("Seq"), message));
            }
        }

        inbox.Sort((a, b) => a.Seq != b.Seq ? a.Seq.CompareTo(b.Seq) : string.CompareOrdinal(a.Id, b.Id));
        return new InstanceSnapshot(status, statusRow, history, inbox, stale);
    }

    public async Task<InstanceStatus?> GetStatusAsync(string instanceId, bool withPayloads, CancellationToken cancellationToken)
    {
        var row = await tables.TryGetAsync(Instances, instanceId, StatusRow, cancellationToken);
        return row is null ? null : await ReadStatusAsync(row, withPayloads, cancellationToken);
    }

    public async Task<InstanceStatus> ReadStatusAsync(TableRow row, bool withPayloads, CancellationToken cancellationToken)
    {
        var failure = row.GetString("Failure");
        var parent = row.GetString("Parent");
        return new InstanceStatus(
            row.PartitionKey,
            row.GetString("Name")!,
            row.GetString("ExecutionId")!,
            Enum.Parse<OrchestrationRuntimeStatus>(row.GetString("Status")!),
            row.Get<DateTimeOffset>("CreatedAt"),
            row.Get<DateTimeOffset>("LastUpdatedAt"),
            row.Get<int>("NextChunk"))
        {
            ETag = row.ETag,
            Input = withPayloads ? await GetPayloadAsync(row, "Input", cancellationToken) : null,
            Output = withPayloads ? await GetPayloadAsync(row, "Output", cancellationToken) : null,
            CustomStatus = await GetPayloadAsync(row, "CustomStatus", cancellationToken),
            Failure = failure is null ? null : JsonSerializer.Deserialize<TaskFailureDetails>(failure, DurableJson.Options),
            Parent = parent is null ? null : JsonSerializer.Deserialize<ParentInstance>(parent, DurableJson.Options),
            CompletedAt = row.Properties.TryGetValue("CompletedAt", out var done) ? (DateTimeOffset)done : null,
        };
    }

    /// <summary>The status row; payloads already on the row are kept unless given anew.</summary>
    public async Task<TableRow> StatusRowAsync(InstanceStatus status, TableRow? previous, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["Name"] = status.Name,
            ["ExecutionId"] = status.ExecutionId,
            ["Status"] = status.Status.ToString(),
            ["CreatedAt"] = status.CreatedAt,
            ["LastUpdatedAt"] = status.LastUpdatedAt,
            ["NextChunk"] = status.NextChunk,
        };
        foreach (var name in new[] { "Input", "InputBlob" })
        {
            if (previous?.Properties.TryGetValue(name, out var kept) == true && status.Input is null)
            {
                properties[name] = kept;
            }
        }

        var stamp = status.LastUpdatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture);
        await SetPayloadAsync(properties, "Input", status.Input, status.InstanceId, $"{status.ExecutionId}/input", cancellationToken);
        await SetPayloadAsync(properties, "Output", status.Output, status.InstanceId, $"{status.ExecutionId}/output", cancellationToken);
        await SetPayloadAsync(properties, "CustomStatus", status.CustomStatus, status.InstanceId, $"{status.ExecutionId}/status-{stamp}", cancellationToken);
        if (status.Failure is not null)
        {
            properties["Failure"] = Truncate(JsonSerializer.Serialize(status.Failure, DurableJson.Options));
        }

        if (status.Parent is not null)
        {
            properties["Parent"] = JsonSerializer.Serialize(status.Parent, DurableJson.Options);
        }

        if (status.CompletedAt is { } completed)
        {
            properties["CompletedAt"] = completed;
        }

        return new TableRow(status.InstanceId, StatusRow, properties);
    }

    /// <summary>A history chunk row holding one step's events.</summary>
    public async Task<TableRow> ChunkRowAsync(string instanceId, string executionId, int chunk, IReadOnlyList<HistoryEvent> events, CancellationToken cancellationToken)
    {
        var key = HistoryPrefix(executionId) + chunk.ToString("D6", CultureInfo.InvariantCulture);
        var properties = new Dictionary<string, object> { ["Count"] = events.Count };
        await SetPayloadAsync(properties, "Events", JsonSerializer.Serialize(events, DurableJson.Options), instanceId, key, cancellationToken);
        return new TableRow(instanceId, key, properties);
    }

    /// <summary>
    /// Creates an instance (status Pending plus its start message) in one batch, or, when its id is taken by a
    /// finished instance, replaces that one. Throws <see cref="ConflictException"/> or
    /// <see cref="PreconditionFailedException"/> when another writer got there first.
    /// </summary>
    public async Task CreateAsync(InstanceStatus status, string? input, TableRow? previous, CancellationToken cancellationToken)
    {
        var start = new ExecutionStarted(status.Name, status.ExecutionId, input, status.Parent) { Timestamp = status.CreatedAt.UtcDateTime };
        var startRow = await MessageRowAsync(status.InstanceId, new InboxMessage(StartMessageId(status.ExecutionId), status.ExecutionId, NextSeq(), start), cancellationToken);
        var statusRow = await StatusRowAsync(status with { Input = input }, null, cancellationToken);
        var batch = new TableBatch();
        _ = previous?.ETag is { } etag ? batch.Replace(statusRow, etag) : batch.Insert(statusRow);
        batch.Insert(startRow);
        await tables.ExecuteBatchAsync(Instances, batch, cancellationToken);
    }

    public static string StartMessageId(string executionId) => "start-" + executionId;

    /// <summary>Deletes rows of a partition in batches of 100; rows already gone are skipped.</summary>
    public async Task DeleteRowsAsync(string instanceId, IEnumerable<string> rowKeys, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(TableBatch.MaxOperations))
        {
            var batch = new TableBatch();
            foreach (var key in chunk)
            {
                batch.Delete(instanceId, key);
            }

            try
            {
                await tables.ExecuteBatchAsync(Instances, batch, cancellationToken);
            }
            catch (NotFoundException)
            {
                foreach (var key in chunk)
                {
                    await TryDeleteAsync(Instances, instanceId, key, cancellationToken);
                }
            }
        }
    }

    public async Task TryDeleteAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await tables.DeleteAsync(table, partitionKey, rowKey, null, cancellationToken);
        }
        catch (NotFoundException)
        {
        }
    }

    private static string Truncate(string text) => text.Length <= 30_000 ? text : text[..30_000];
}
