using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.Durable.Tests;

/// <summary>One task hub's storage: the in-memory twin on a fake clock, or Azurite on the real one.</summary>
internal sealed class TestStores
{
    public required IBlobStore Blobs { get; init; }

    public required ITableStore Tables { get; init; }

    public required TimeProvider Time { get; init; }

    public FakeTimeProvider? FakeTime => Time as FakeTimeProvider;

    public string HubName { get; } = "h" + Guid.NewGuid().ToString("N")[..10];

    public Probe Probe { get; } = new();

    public static TestStores InMemory()
    {
        var time = new FakeTimeProvider();
        var set = StorageSet.InMemory(time);
        return new TestStores { Blobs = set.Blobs, Tables = set.Tables, Time = time };
    }

    public static async Task<TestStores> AzuriteAsync()
    {
        var set = StorageSet.Azure(new StorageOptions { ConnectionString = await TestAzurite.ConnectionStringAsync() });
        return new TestStores { Blobs = set.Blobs, Tables = set.Tables, Time = TimeProvider.System };
    }

    /// <summary>Moves the fake clock (no-op on the real one, where only short waits are used).</summary>
    public void Advance(TimeSpan by) => FakeTime?.Advance(by);
}
