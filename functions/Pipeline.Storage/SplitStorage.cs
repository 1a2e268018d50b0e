using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Pipeline.Storage;

/// <summary>
/// Two accounts behind one <see cref="IBlobStore"/> and <see cref="ITableStore"/>: calls on the named containers
/// and tables go to the second account, every other call to the first. Callers do not change; what lands where is
/// decided by name, in one place.
/// </summary>
public static class SplitStorage
{
    /// <summary>Sends <paramref name="containers"/> and <paramref name="tables"/> to <paramref name="second"/>; the stores registered so far keep the rest.</summary>
    public static IServiceCollection AddSplitStorage(this IServiceCollection services, StorageSet second, IReadOnlySet<string> containers, IReadOnlySet<string> tables)
    {
        var blobs = services.Last(d => d.ServiceType == typeof(IBlobStore));
        var rows = services.Last(d => d.ServiceType == typeof(ITableStore));
        services.Replace(ServiceDescriptor.Singleton<IBlobStore>(sp => new SplitBlobStore((IBlobStore)Resolve(sp, blobs), second.Blobs, containers)));
        services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => new SplitTableStore((ITableStore)Resolve(sp, rows), second.Tables, tables)));
        return services;
    }

    private static object Resolve(IServiceProvider services, ServiceDescriptor descriptor) =>
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!);
}

/// <summary>Blobs of <paramref name="names"/> in <paramref name="second"/>, the others in <paramref name="first"/>.</summary>
public sealed class SplitBlobStore(IBlobStore first, IBlobStore second, IReadOnlySet<string> names) : IBlobStore
{
    public Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default) =>
        For(container).PutAsync(container, name, content, condition, cancellationToken);

    public Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default) =>
        For(container).GetAsync(container, name, cancellationToken);

    public Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default) =>
        For(container).ListAsync(container, prefix, pageSize, continuation, cancellationToken);

    public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        For(container).DeleteAsync(container, name, ifMatch, cancellationToken);

    private IBlobStore For(string container) => names.Contains(container) ? second : first;
}

/// <summary>Tables of <paramref name="names"/> in <paramref name="second"/>, the others in <paramref name="first"/>.</summary>
public sealed class SplitTableStore(ITableStore first, ITableStore second, IReadOnlySet<string> names) : ITableStore
{
    public Task<string> InsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => For(table).InsertAsync(table, row, cancellationToken);

    public Task<string> UpsertAsync(string table, TableRow row, CancellationToken cancellationToken = default) => For(table).UpsertAsync(table, row, cancellationToken);

    public Task<string> MergeAsync(string table, TableRow row, CancellationToken cancellationToken = default) => For(table).MergeAsync(table, row, cancellationToken);

    public Task<string> ReplaceAsync(string table, TableRow row, string ifMatch, CancellationToken cancellationToken = default) =>
        For(table).ReplaceAsync(table, row, ifMatch, cancellationToken);

    public Task DeleteAsync(string table, string partitionKey, string rowKey, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        For(table).DeleteAsync(table, partitionKey, rowKey, ifMatch, cancellationToken);

    public Task<TableRow> GetAsync(string table, string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        For(table).GetAsync(table, partitionKey, rowKey, cancellationToken);

    public Task<IReadOnlyList<string?>> ExecuteBatchAsync(string table, TableBatch batch, CancellationToken cancellationToken = default) =>
        For(table).ExecuteBatchAsync(table, batch, cancellationToken);

    public Task<TablePage> QueryAsync(string table, TableQuery query, CancellationToken cancellationToken = default) => For(table).QueryAsync(table, query, cancellationToken);

    private ITableStore For(string table) => names.Contains(table) ? second : first;
}
