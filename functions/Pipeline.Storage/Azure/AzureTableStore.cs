using Microsoft.WindowsAzure.Storage.Table;
using SdkOperation = Microsoft.WindowsAzure.Storage.Table.TableOperation;
using SdkQuery = Microsoft.WindowsAzure.Storage.Table.TableQuery;

namespace Pipeline.Storage.Azure;

/// <summary>The table store on Azure Storage (or Azurite).</summary>
internal sealed class AzureTableStore : TableStoreBase
{
    private readonly CloudTableClient _client;
    private readonly CreatedOnce _tables;

    public AzureTableStore(AzureStorageAccount account)
    {
        _client = account.Tables;
        _tables = new CreatedOnce(name => AzureErrors.Run($"Create table '{name}'", () => _client.GetTableReference(name).CreateIfNotExistsAsync()));
    }

    public override async Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        await _tables.EnsureAsync(table);
        var reference = _client.GetTableReference(table);
        var what = $"Get an entity in table '{table}'";
        var result = await AzureErrors.Run(what, () => reference.ExecuteAsync(SdkOperation.Retrieve(partitionKey, rowKey), null, null, cancellationToken));
        return result.Result is DynamicTableEntity entity
            ? ToRow(entity)
            : throw new NotFoundException($"{what}: not found.") { StatusCode = result.HttpStatusCode };
    }

    public override async Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(batch);
        batch.Validate();
        await _tables.EnsureAsync(table);
        var reference = _client.GetTableReference(table);
        var what = batch.Operations.Count == 1
            ? $"{batch.Operations[0].Kind} an entity in table '{table}'"
            : $"Batch of {batch.Operations.Count} in table '{table}'";
        if (batch.Operations.Count == 1)
        {
            // A lone operation goes without the batch envelope: one request, and the same answers.
            var result = await AzureErrors.Run(what, () => reference.ExecuteAsync(ToSdk(batch.Operations[0]), null, null, cancellationToken));
            return [batch.Operations[0].Kind == TableOperationKind.Delete ? null : result.Etag];
        }

        var sdkBatch = new TableBatchOperation();
        foreach (var operation in batch.Operations)
        {
            sdkBatch.Add(ToSdk(operation));
        }

        var results = await AzureErrors.Run(what, () => reference.ExecuteBatchAsync(sdkBatch, null, null, cancellationToken));
        return batch.Operations.Select((o, i) => o.Kind == TableOperationKind.Delete ? null : results[i].Etag).ToList();
    }

    public override async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, "A query page holds 1 to 1000 rows.");
        }

        TableContinuationToken? token = null;
        if (query.Continuation is not null)
        {
            var (pk, rk) = ContinuationKey.Parse(query.Continuation);
            token = new TableContinuationToken { NextPartitionKey = pk, NextRowKey = rk };
        }

        await _tables.EnsureAsync(table);
        var reference = _client.GetTableReference(table);
        var sdkQuery = new TableQuery<DynamicTableEntity> { FilterString = ODataFilter.From(query.Conditions), TakeCount = query.PageSize };
        var segment = await AzureErrors.Run($"Query table '{table}'", () => reference.ExecuteQuerySegmentedAsync(sdkQuery, token, null, null, cancellationToken));
        var next = segment.ContinuationToken is { } t ? ContinuationKey.Format(t.NextPartitionKey, t.NextRowKey) : null;
        return new TablePage(segment.Results.Select(ToRow).ToList(), next);
    }

    private static SdkOperation ToSdk(TableOperation operation)
    {
        var entity = new DynamicTableEntity(operation.Row.PartitionKey, operation.Row.RowKey)
        {
            ETag = operation.IfMatch,
            Properties = operation.Row.Properties.ToDictionary(p => p.Key, p => EntityProperty.CreateEntityPropertyFromObject(p.Value), StringComparer.Ordinal),
        };
        return operation.Kind switch
        {
            TableOperationKind.Insert => SdkOperation.Insert(entity),
            TableOperationKind.Upsert => SdkOperation.InsertOrReplace(entity),
            TableOperationKind.Merge => SdkOperation.InsertOrMerge(entity),
            TableOperationKind.Replace => SdkOperation.Replace(entity),
            TableOperationKind.Delete => SdkOperation.Delete(entity),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, null),
        };
    }

    private static TableRow ToRow(DynamicTableEntity entity) =>
        new(entity.PartitionKey, entity.RowKey, entity.Properties.ToDictionary(p => p.Key, p => FromSdk(p.Value), StringComparer.Ordinal))
        {
            ETag = entity.ETag,
            Timestamp = entity.Timestamp,
        };

    private static object FromSdk(EntityProperty property) => property.PropertyType switch
    {
        EdmType.DateTime => property.DateTimeOffsetValue!.Value.ToUniversalTime(),
        _ => property.PropertyAsObject,
    };

    /// <summary>Our conditions as an OData filter string.</summary>
    private static class ODataFilter
    {
        public static string? From(IReadOnlyList<TableCondition> conditions) =>
            conditions.Count == 0 ? null : conditions.Select(One).Aggregate((a, b) => SdkQuery.CombineFilters(a, TableOperators.And, b));

        private static string One(TableCondition c)
        {
            var op = c.Comparison switch
            {
                TableComparison.Equal => QueryComparisons.Equal,
                TableComparison.NotEqual => QueryComparisons.NotEqual,
                TableComparison.GreaterThan => QueryComparisons.GreaterThan,
                TableComparison.GreaterThanOrEqual => QueryComparisons.GreaterThanOrEqual,
                TableComparison.LessThan => QueryComparisons.LessThan,
                _ => QueryComparisons.LessThanOrEqual,
            };
            return c.Value switch
            {
                string s => SdkQuery.GenerateFilterCondition(c.Property, op, s),
                bool b => SdkQuery.GenerateFilterConditionForBool(c.Property, op, b),
                int i => SdkQuery.GenerateFilterConditionForInt(c.Property, op, i),
                long l => SdkQuery.GenerateFilterConditionForLong(c.Property, op, l),
                double d => SdkQuery.GenerateFilterConditionForDouble(c.Property, op, d),
                DateTimeOffset d => SdkQuery.GenerateFilterConditionForDate(c.Property, op, d),
                Guid g => SdkQuery.GenerateFilterConditionForGuid(c.Property, op, g),
                byte[] b => SdkQuery.GenerateFilterConditionForBinary(c.Property, op, b),
                _ => throw new ArgumentException($"Unsupported condition value type {c.Value.GetType().Name}."),
            };
        }
    }
}
