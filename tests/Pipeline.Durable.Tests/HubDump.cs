using System.Text;
using Pipeline.Storage;

namespace Pipeline.Durable.Tests;

/// <summary>Describes a hub's work tables and one instance's rows, for the message of a failing test.</summary>
internal static class HubDump
{
    public static async Task<string> DescribeAsync(TestStores stores, string instanceId)
    {
        var text = new StringBuilder();
        text.AppendLine($"hub {stores.HubName} at {stores.Time.GetUtcNow():O}; activity runs: " +
            string.Join(" ", stores.Probe.Runs.Where(r => r.Key.StartsWith(instanceId, StringComparison.Ordinal)).Select(r => $"{r.Key}={r.Value}")));
        foreach (var table in new[] { "Ready", "Tasks", "Timers", "Poison" })
        {
            foreach (var row in await stores.Tables.QueryAllAsync(stores.HubName + table, TableQuery.All).ToListAsync())
            {
                text.AppendLine($"  {table} {row.RowKey}: " + string.Join(" ", row.Properties.Select(p => $"{p.Key}={p.Value}")));
            }
        }

        foreach (var row in await stores.Tables.QueryAllAsync(stores.HubName + "Instances", TableQuery.InPartition(instanceId)).ToListAsync())
        {
            text.AppendLine($"  {instanceId} {row.RowKey}: " + string.Join(" ", row.Properties.Where(p => p.Key != "Events").Select(p => $"{p.Key}={p.Value}")));
        }

        return text.ToString();
    }
}
