using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>Writes a hub's work tables and one instance's rows to the test output, to diagnose a failure.</summary>
internal static class HubDump
{
    public static async Task WriteAsync(TestStores stores, string instanceId)
    {
        Console.WriteLine($"hub {stores.HubName} at {stores.Time.GetUtcNow():O}; activity runs: " +
            string.Join(" ", stores.Probe.Runs.Where(r => r.Key.StartsWith(instanceId, StringComparison.Ordinal)).Select(r => $"{r.Key}={r.Value}")));
        foreach (var table in new[] { "Ready", "Tasks", "Timers", "Poison" })
        {
            foreach (var row in await stores.Tables.QueryAllAsync(stores.HubName + table, TableQuery.All).ToListAsync())
            {
                Console.WriteLine($"  {table} {row.RowKey}: " + string.Join(" ", row.Properties.Select(p => $"{p.Key}={p.Value}")));
            }
        }

        foreach (var row in await stores.Tables.QueryAllAsync(stores.HubName + "Instances", TableQuery.InPartition(instanceId)).ToListAsync())
        {
            Console.WriteLine($"  {instanceId} {row.RowKey}: " + string.Join(" ", row.Properties.Where(p => p.Key != "Events").Select(p => $"{p.Key}={p.Value}")));
        }
    }
}
