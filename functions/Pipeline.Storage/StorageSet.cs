using Pipeline.Storage.Azure;
using Pipeline.Storage.InMemory;

namespace Pipeline.Storage;

/// <summary>The three stores of one account, for code that builds them without DI (tests, benchmarks).</summary>
public sealed record StorageSet(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)
{
    /// <summary>Stores on Azure Storage or Azurite.</summary>
    public static StorageSet Azure(StorageOptions options)
    {
        var clients = new AzureClients(options);
        return new(new AzureBlobStore(clients), new AzureTableStore(clients), new AzureQueueStore(clients));
    }

    /// <summary>The in-memory twins, on <paramref name="time"/>.</summary>
    public static StorageSet InMemory(TimeProvider time) =>
        new(new InMemoryBlobStore(time), new InMemoryTableStore(time), new InMemoryQueueStore(time));
}
