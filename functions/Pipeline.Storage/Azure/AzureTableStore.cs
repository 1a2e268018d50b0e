using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace Pipeline.Storage.Azure;

/// <summary>The table store on Azure Storage (or Azurite), on Azure.Data.Tables.</summary>
internal sealed class AzureTableStore : TableStoreBase
{
    private readonly TableServiceClient _client;
    private readonly CreatedOnce _tables;

    public AzureTableStore(AzureClients clients)
    {
        _client = clients.Tables;
        _tables = new CreatedOnce(name => AzureErrors.Run($"Create table '{name}'", () => _client.GetTableClient(name).CreateIfNotExistsAsync()));
    }

    public override async Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        await _tables.EnsureAsync(table);
        var reference = _client.GetTableClient(table);
        var result = await AzureErrors.Run($"Get an entity in table '{table}'", () => reference.GetEntityAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken));
        return ToRow(result.Value);
    }

    public override async Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(batch);
        batch.Validate();
        await _tables.EnsureAsync(table);
        var reference = _client.GetTableClient(table);
        var what = batch.Operations.Count == 1
            ? $"{batch.Operations[0].Kind} an entity in table '{table}'"
            : $"Batch of {batch.Operations.Count} in table '{table}'";
        if (batch.Operations.Count == 1)
        {
            // A lone operation goes without the batch envelope: one request, and the same answers.
            var operation = batch.Operations[0];
            var response = await AzureErrors.Run(what, () => Single(reference, operation, cancellationToken));
            return [operation.Kind == TableOperationKind.Delete ? null : response.Headers.ETag?.ToString()];
        }

        var results = await AzureErrors.Run(what, () => reference.SubmitTransactionAsync(batch.Operations.Select(ToSdk), cancellationToken));
        return batch.Operations.Select((o, i) => o.Kind == TableOperationKind.Delete ? null : results.Value[i].Headers.ETag?.ToString()).ToList();
    }

    public override async Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default)
    {
        TableRules.ValidateTableName(table);
        ArgumentNullException.ThrowIfNull(query);
        if (query.PageSize is < 1 or > 1000)
        {
            throw new ArgumentOutOfRangeException(nameof(query), query.PageSize, "A query page holds 1 to 1000 rows.");
        }

        var token = query.Continuation is null ? null : ContinuationKey.Parse(query.Continuation).First;
        await _tables.EnsureAsync(table);
        var reference = _client.GetTableClient(table);
        return await AzureErrors.Run($"Query table '{table}'", async () =>
        {
            await foreach (var page in reference.QueryAsync<TableEntity>(ODataFilter.From(query.Conditions), query.PageSize, cancellationToken: cancellationToken).AsPages(token, query.PageSize))
            {
                return new TablePage(page.Values.Select(ToRow).ToList(), string.IsNullOrEmpty(page.ContinuationToken) ? null : ContinuationKey.Format(page.ContinuationToken, string.Empty));
            }

            return new TablePage([], null);
        });
    }

    private static Task<Response> Single(TableClient reference, TableOperation operation, CancellationToken cancellationToken)
    {
        var entity = ToEntity(operation.Row);
        return operation.Kind switch
        {
            TableOperationKind.Insert => reference.AddEntityAsync(entity, cancellationToken),
            TableOperationKind.Upsert => reference.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken),
            TableOperationKind.Merge => reference.UpsertEntityAsync(entity, TableUpdateMode.Merge, cancellationToken),
            TableOperationKind.Replace => reference.UpdateEntityAsync(entity, new ETag(operation.IfMatch!), TableUpdateMode.Replace, cancellationToken),
            TableOperationKind.Delete => DeleteAsync(reference, operation, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, null),
        };
    }

    /// <summary>The SDK answers a delete of a missing entity without throwing; ours is <see cref="NotFoundException"/>, as in a batch.</summary>
    private static async Task<Response> DeleteAsync(TableClient reference, TableOperation operation, CancellationToken cancellationToken)
    {
        var response = await reference.DeleteEntityAsync(operation.Row.PartitionKey, operation.Row.RowKey, operation.IfMatch is { } m ? new ETag(m) : ETag.All, cancellationToken);
        return response.Status == 404 ? throw new RequestFailedException(404, "The entity does not exist.", "ResourceNotFound", null) : response;
    }

    private static TableTransactionAction ToSdk(TableOperation operation) => operation.Kind switch
    {
        TableOperationKind.Insert => new(TableTransactionActionType.Add, ToEntity(operation.Row)),
        TableOperationKind.Upsert => new(TableTransactionActionType.UpsertReplace, ToEntity(operation.Row)),
        TableOperationKind.Merge => new(TableTransactionActionType.UpsertMerge, ToEntity(operation.Row)),
        TableOperationKind.Replace => new(TableTransactionActionType.UpdateReplace, ToEntity(operation.Row), new ETag(operation.IfMatch!)),
        TableOperationKind.Delete => new(TableTransactionActionType.Delete, ToEntity(operation.Row), operation.IfMatch is { } m ? new ETag(m) : ETag.All),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation.Kind, null),
    };

    private static TableEntity ToEntity(TableRow row)
    {
        var entity = new TableEntity(row.PartitionKey, row.RowKey);
        foreach (var (name, value) in row.Properties)
        {
            entity[name] = value;
        }

        return entity;
    }

    private static readonly HashSet<string> SystemProperties = new(StringComparer.Ordinal) { "PartitionKey", "RowKey", "Timestamp", "odata.etag" };

    private static TableRow ToRow(TableEntity entity) =>
        new(entity.PartitionKey, entity.RowKey, entity.Where(p => !SystemProperties.Contains(p.Key) && p.Value is not null).ToDictionary(p => p.Key, p => FromSdk(p.Value), StringComparer.Ordinal))
        {
            ETag = entity.ETag.ToString(),
            Timestamp = entity.Timestamp,
        };

    private static object FromSdk(object value) => value switch
    {
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        BinaryData b => b.ToArray(),
        _ => value,
    };

    /// <summary>Our conditions as an OData filter, each value escaped and typed by the SDK.</summary>
    private static class ODataFilter
    {
        public static string? From(IReadOnlyList<TableCondition> conditions) =>
            conditions.Count == 0 ? null : string.Join(" and ", conditions.Select(One));

        private static string One(TableCondition c)
        {
            var op = c.Comparison switch
            {
                TableComparison.Equal => "eq",
                TableComparison.NotEqual => "ne",
                TableComparison.GreaterThan => "gt",
                TableComparison.GreaterThanOrEqual => "ge",
                TableComparison.LessThan => "lt",
                _ => "le",
            };

            // The property name is checked by TableRules; only the value goes through the SDK's escaping.
            return "(" + TableClient.CreateQueryFilter(FormattableStringFactory.Create($"{c.Property} {op} {{0}}", c.Value)) + ")";
        }
    }
}
