using Pipeline.Storage;

namespace Pipeline.Durable.Stores;

/// <summary>Leases on work rows (ready instances and activities), taken and given back by ETag.</summary>
internal sealed partial class TaskHubStore
{
    /// <summary>Rows of <paramref name="table"/> that nobody holds now, oldest key first.</summary>
    public async Task<IReadOnlyList<TableRow>> FindUnleasedAsync(string table, int max, CancellationToken cancellationToken)
    {
        // Every work row is written with its lease fields, so the lease test runs in the store.
        var query = TableQuery.InPartition(WorkPartition).Where("LeaseUntil", TableComparison.LessThanOrEqual, Now) with { PageSize = Math.Clamp(max, 1, 1000) };
        var found = new List<TableRow>();
        await foreach (var row in tables.QueryAllAsync(table, query, cancellationToken))
        {
            found.Add(row);
            if (found.Count >= max)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>
    /// Gives lease fields to ready rows that have none. A signal that merges into a row deleted a moment
    /// before creates such a row, which the lease filter cannot see; this sweep makes it visible.
    /// </summary>
    public async Task<int> RepairReadyRowsAsync(CancellationToken cancellationToken)
    {
        var repaired = 0;
        await foreach (var row in tables.QueryAllAsync(Ready, TableQuery.InPartition(WorkPartition), cancellationToken))
        {
            if (row.Properties.ContainsKey("LeaseUntil"))
            {
                continue;
            }

            var properties = new Dictionary<string, object>(row.Properties, StringComparer.Ordinal)
            {
                ["LeaseOwner"] = string.Empty,
                ["LeaseUntil"] = NoLease,
                ["DequeueCount"] = 0,
            };
            try
            {
                await tables.ReplaceAsync(Ready, row with { Properties = properties }, row.ETag!, cancellationToken);
                repaired++;
            }
            catch (StoreException e) when (e is PreconditionFailedException or NotFoundException)
            {
                // Changed meanwhile; the next sweep looks again.
            }
        }

        return repaired;
    }

    /// <summary>Takes the lease on <paramref name="row"/>; null when another worker was first.</summary>
    public async Task<TableRow?> TryClaimAsync(string table, TableRow row, string workerId, TimeSpan lease, CancellationToken cancellationToken)
    {
        var properties = new Dictionary<string, object>(row.Properties, StringComparer.Ordinal)
        {
            ["LeaseOwner"] = workerId,
            ["LeaseUntil"] = Now + lease,
            ["DequeueCount"] = row.Get<int>("DequeueCount") + 1,
        };
        var claimed = row with { Properties = properties };
        try
        {
            var etag = await tables.ReplaceAsync(table, claimed, row.ETag!, cancellationToken);
            return claimed with { ETag = etag };
        }
        catch (PreconditionFailedException)
        {
            return null;
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// Ends a claim on a ready row: deletes it when the instance has nothing left and nobody signalled it
    /// meanwhile; otherwise clears the lease so that any worker picks it up again.
    /// </summary>
    public async Task ReleaseReadyAsync(TableRow claimed, bool more, CancellationToken cancellationToken)
    {
        var current = claimed;
        while (true)
        {
            try
            {
                if (!more && current.ETag == claimed.ETag)
                {
                    await tables.DeleteAsync(Ready, WorkPartition, claimed.RowKey, claimed.ETag, cancellationToken);
                    return;
                }

                var released = new Dictionary<string, object>(current.Properties, StringComparer.Ordinal)
                {
                    ["LeaseOwner"] = string.Empty,
                    ["LeaseUntil"] = NoLease,
                    ["DequeueCount"] = 0,
                };
                await tables.ReplaceAsync(Ready, current with { Properties = released }, current.ETag!, cancellationToken);
                return;
            }
            catch (PreconditionFailedException)
            {
                // A signal arrived during the step: keep the row, without our lease.
                if (await tables.TryGetAsync(Ready, WorkPartition, claimed.RowKey, cancellationToken) is not { } fresh)
                {
                    return;
                }

                current = fresh;
            }
            catch (NotFoundException)
            {
                return;
            }
        }
    }
}
