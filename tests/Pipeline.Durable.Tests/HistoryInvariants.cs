using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>What a history must look like however many crashes and duplicates it went through.</summary>
internal static class HistoryInvariants
{
    public static async Task AssertCleanAsync(TestStores stores, string instanceId)
    {
        var rows = await stores.Tables.QueryAllAsync(stores.HubName + "Instances", TableQuery.InPartition(instanceId)).ToListAsync();
        var status = rows.Single(r => r.RowKey == "status");
        var execution = status.GetString("ExecutionId");
        var chunks = rows.Count(r => r.RowKey.StartsWith($"h-{execution}-", StringComparison.Ordinal));

        // Status and history commit together: the status counts exactly the chunks that exist.
        Assert.Equal(status.Get<int>("NextChunk"), chunks);

        var client = new HistoryReader(stores);
        var history = await client.ReadAsync(instanceId);
        Assert.Single(history.OfType<ExecutionStarted>());
        AssertUnique(history.OfType<TaskScheduled>().Select(e => e.EventId), "TaskScheduled");
        AssertUnique(history.OfType<TimerCreated>().Select(e => e.EventId), "TimerCreated");
        AssertUnique(history.OfType<TaskCompleted>().Select(e => e.TaskScheduledId).Concat(history.OfType<TaskFailed>().Select(e => e.TaskScheduledId)), "task answer");
        AssertUnique(history.OfType<TimerFired>().Select(e => e.TimerId), "TimerFired");
        AssertUnique(history.Select(e => e.MessageId).OfType<string>(), "message id");
        Assert.True(history.OfType<ExecutionCompleted>().Count() <= 1);
    }

    private static void AssertUnique<T>(IEnumerable<T> values, string what)
    {
        var list = values.ToList();
        Assert.True(list.Count == list.Distinct().Count(), $"Duplicate {what} in history: {string.Join(", ", list)}");
    }

    private sealed class HistoryReader(TestStores stores)
    {
        public async Task<IReadOnlyList<HistoryEvent>> ReadAsync(string instanceId)
        {
            await using var host = await DurableTestHost.StartAsync(stores, settings: s => s["DurableTask:RunWorker"] = "false");
            return await host.Client.GetInstanceHistoryAsync(instanceId);
        }
    }
}
