using Pipeline.Storage.Azure;
using Pipeline.Storage.InMemory;
using Pipeline.Testing;

namespace Pipeline.Storage.Tests;

/// <summary>The two implementations a contract runs against: the twin (on a fake clock) and Azurite.</summary>
public abstract class StoreFactory
{
    public abstract bool IsAzurite { get; }

    public abstract Task<(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)> CreateAsync();

    /// <summary>Lets time pass: the twin's clock jumps, Azurite's is waited on.</summary>
    public abstract Task AdvanceAsync(TimeSpan by);

    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];
}

public sealed class InMemoryFactory : StoreFactory
{
    private readonly FakeTimeProvider _time = new();

    public override bool IsAzurite => false;

    public override Task<(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)> CreateAsync() =>
        Task.FromResult<(IBlobStore, ITableStore, IQueueStore)>((new InMemoryBlobStore(_time), new InMemoryTableStore(_time), new InMemoryQueueStore(_time)));

    public override Task AdvanceAsync(TimeSpan by)
    {
        _time.Advance(by);
        return Task.CompletedTask;
    }
}

public sealed class AzuriteFactory : StoreFactory
{
    public override bool IsAzurite => true;

    public override async Task<(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)> CreateAsync()
    {
        var account = new AzureStorageAccount(new StorageOptions { ConnectionString = await TestAzurite.ConnectionStringAsync() });
        return (new AzureBlobStore(account), new AzureTableStore(account), new AzureQueueStore(account));
    }

    public override Task AdvanceAsync(TimeSpan by) => Task.Delay(by);
}
