using Microsoft.Extensions.Time.Testing;
using Pipeline.Testing;

namespace Pipeline.Storage.Tests;

/// <summary>The two implementations a contract runs against: the twin (on a fake clock) and Azurite.</summary>
public abstract class StoreFactory
{
    public abstract bool IsAzurite { get; }

    public abstract Task<(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)> CreateAsync();

    /// <summary>Lets time pass: the twin's clock jumps, Azurite's is waited on.</summary>
    public abstract Task AdvanceAsync(TimeSpan by);

    protected static (IBlobStore Blobs, ITableStore Tables, IQueueStore Queues) Split(StorageSet set) => (set.Blobs, set.Tables, set.Queues);

    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..16];
}

public sealed class InMemoryFactory : StoreFactory
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    public override bool IsAzurite => false;

    public override Task<(IBlobStore Blobs, ITableStore Tables, IQueueStore Queues)> CreateAsync() =>
        Task.FromResult(Split(StorageSet.InMemory(_time)));

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
        var set = StorageSet.Azure(new StorageOptions { ConnectionString = await TestAzurite.ConnectionStringAsync() });
        return Split(set);
    }

    public override Task AdvanceAsync(TimeSpan by) => Task.Delay(by);
}
