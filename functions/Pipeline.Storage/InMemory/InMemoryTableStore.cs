namespace Pipeline.Storage.InMemory;

/// <summary>The in-memory twin of the table store, for fast tests. Same rules and errors as Azure.</summary>
internal sealed class InMemoryTableStore(TimeProvider time) : TableStoreBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<(string Pk, string Rk), TableRow>> _tables = new(StringComparer.OrdinalIgnoreCase);
    private long _version;

    public override Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        lock (_gate)
        {
            return Rows(table).TryGetValue((partitionKey, rowKey), out var row)
                ? Task.FromResult(row)
                : throw new NotFoundException($"An entity does not exist in table '{table}'.") { StatusCode = 404 };
        }
    }

    public override Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(batch);
        batch.Validate();
        lock (_gate)
        {
            var rows = Rows(table);

            // Check every operation before applying any, so that a failed batch applies nothing.
            foreach (var (kind, row, ifMatch) in batch.Operations)
            {
                rows.TryGetValue((row.PartitionKey, row.RowKey), out var existing);
                var where = $"in table '{table}'";
                if (kind == TableOperationKind.Insert && existing is not null)
                {
                    throw new ConflictException($"Entity {where} already exists.") { StatusCode = 409 };
                }

                if (kind is TableOperationKind.Replace or TableOperationKind.Delete)
                {
                    if (existing is null)
                    {
                        throw new NotFoundException($"Entity {where} does not exist.") { StatusCode = 404 };
                    }

                    if (ifMatch != "*" && ifMatch != existing.ETag)
                    {
                        throw new PreconditionFailedException($"Entity {where} has changed.") { StatusCode = 412 };
                    }
                }
            }

            var now = time.GetUtcNow();
            var etags = new List<string?>(batch.Operations.Count);
            foreach (var (kind, row, _) in batch.Operations)
            {
                if (kind == TableOperationKind.Delete)
                {
                    rows.Remove((row.PartitionKey, row.RowKey));
                    etags.Add(null);
                    continue;
                }

                var etag = $"W/\"{++_version}\"";
                var written = Normalize(row);
                if (kind == TableOperationKind.Merge && rows.TryGetValue((row.PartitionKey, row.RowKey), out var existing))
                {
                    var merged = new Dictionary<string, object>(existing.Properties, StringComparer.Ordinal);
                    foreach (var (name, value) in written.Properties)
                    {
                        merged[name] = value;
                    }

                    written = written with { Properties = merged };
                }

                rows[(row.PartitionKey, row.RowKey)] = written with { ETag = etag, Timestamp = now };
                etags.Add(etag);
            }

            return Task.FromResult<IReadOnlyList<string?>>(etags);
        }
    }

    public override Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, "A query page holds 1 to 1000 rows.");
        }

        var after = query.Continuation is null ? ((string, string)?)null : ContinuationKey.Parse(query.Continuation);
        lock (_gate)
        {
            var page = Rows(table).Values
                .Where(r => after is null || KeyComparer.Instance.Compare((r.PartitionKey, r.RowKey), after.Value) > 0)
                .Where(r => query.Conditions.All(c => TableMatcher.Matches(r, c)))
                .Take(query.PageSize + 1)
                .ToList();
            var more = page.Count > query.PageSize;
            if (more)
            {
                page.RemoveAt(query.PageSize);
            }

            var continuation = more ? ContinuationKey.Format(page[^1].PartitionKey, page[^1].RowKey) : null;
            return Task.FromResult(new TablePage(page, continuation));
        }
    }

    private SortedDictionary<(string Pk, string Rk), TableRow> Rows(string table)
    {
        if (!_tables.TryGetValue(table, out var rows))
        {
            rows = new SortedDictionary<(string Pk, string Rk), TableRow>(KeyComparer.Instance);
            _tables[table] = rows;
        }

        return rows;
    }

    // Azure hands back dates in UTC and copies of byte arrays; so does the twin.
    private static TableRow Normalize(TableRow row) => row with
    {
        Properties = row.Properties.ToDictionary(
            p => p.Key,
            p => p.Value switch
            {
                DateTimeOffset d => d.ToUniversalTime(),
                byte[] b => b.ToArray(),
                var v => v,
            },
            StringComparer.Ordinal),
    };

    private sealed class KeyComparer : IComparer<(string Pk, string Rk)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((string Pk, string Rk) x, (string Pk, string Rk) y)
        {
            var c = string.CompareOrdinal(x.Pk, y.Pk);
            return c != 0 ? c : string.CompareOrdinal(x.Rk, y.Rk);
        }
    }
}
