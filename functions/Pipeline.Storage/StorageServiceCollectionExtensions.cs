using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Azure;
using Pipeline.Storage.InMemory;

namespace Pipeline.Storage;

/// <summary>Registers the storage layer.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>Blob, table and queue stores on Azure Storage, configured by <see cref="StorageOptions"/>.</summary>
    public static IServiceCollection AddAzureStorage(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton(sp => new AzureClients(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<IBlobStore, AzureBlobStore>();
        services.TryAddSingleton<ITableStore, AzureTableStore>();
        services.TryAddSingleton<IQueueStore, AzureQueueStore>();
        return services;
    }

    /// <summary>The in-memory twins, replacing whatever was registered.</summary>
    public static IServiceCollection AddInMemoryStorage(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.RemoveAll<IBlobStore>().RemoveAll<ITableStore>().RemoveAll<IQueueStore>();
        services.AddSingleton<IBlobStore>(sp => new InMemoryBlobStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<ITableStore>(sp => new InMemoryTableStore(sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IQueueStore>(sp => new InMemoryQueueStore(sp.GetRequiredService<TimeProvider>()));
        return services;
    }
}
