namespace Pipeline.Storage.Tests;

/// <summary>What every <see cref="IQueueStore"/> does; run against the twin and Azurite.</summary>
public abstract class QueueStoreContract<TFactory> : IAsyncLifetime
    where TFactory : StoreFactory, new()
{
    private readonly TFactory _factory = new();
    private readonly string _queue = StoreFactory.UniqueName("q");
    private IQueueStore _store = null!;

    public async Task InitializeAsync() => _store = (await _factory.CreateAsync()).Queues;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Add_ThenReceive_ReturnsContentWithDequeueCountOne()
    {
        await _store.AddAsync(_queue, "bericht é");

        var received = await _store.ReceiveAsync(_queue, 32, TimeSpan.FromSeconds(30));

        var message = Assert.Single(received);
        Assert.Equal("bericht é", message.Content);
        Assert.Equal(1, message.DequeueCount);
    }

    [Fact]
    public async Task Receive_HidesMessage_UntilVisibilityTimeoutPasses()
    {
        await _store.AddAsync(_queue, "m");
        var first = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));

        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));
        await _factory.AdvanceAsync(TimeSpan.FromSeconds(1.5));
        var again = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));

        Assert.Equal(first.Id, again.Id);
        Assert.Equal(2, again.DequeueCount);
        Assert.NotEqual(first.PopReceipt, again.PopReceipt);
    }

    [Fact]
    public async Task Add_WithDelay_IsInvisibleUntilDelayPasses()
    {
        await _store.AddAsync(_queue, "later", TimeSpan.FromSeconds(1));

        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        await _factory.AdvanceAsync(TimeSpan.FromSeconds(1.5));
        Assert.Equal("later", Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30))).Content);
    }

    [Fact]
    public async Task Add_WithSevenDayDelay_IsAccepted_AndLongerIsRefused()
    {
        await _store.AddAsync(_queue, "week", TimeSpan.FromDays(7));

        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.AddAsync(_queue, "too long", TimeSpan.FromDays(7.01)));
    }

    [Fact]
    public async Task UpdateVisibility_ExtendsHiding_AndOldReceiptGoesStale()
    {
        await _store.AddAsync(_queue, "m");
        var message = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));

        var receipt = await _store.UpdateVisibilityAsync(_queue, message.Id, message.PopReceipt, TimeSpan.FromSeconds(30));
        await _factory.AdvanceAsync(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.DeleteAsync(_queue, message.Id, message.PopReceipt));
        await _store.DeleteAsync(_queue, message.Id, receipt);
    }

    [Fact]
    public async Task Delete_RemovesForGood_AndTwice_IsNotFound()
    {
        await _store.AddAsync(_queue, "m");
        var message = Assert.Single(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(1)));

        await _store.DeleteAsync(_queue, message.Id, message.PopReceipt);
        await _factory.AdvanceAsync(TimeSpan.FromSeconds(1.5));

        Assert.Empty(await _store.ReceiveAsync(_queue, 1, TimeSpan.FromSeconds(30)));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.DeleteAsync(_queue, message.Id, message.PopReceipt));
    }

    [Fact]
    public async Task Receive_Batch_ReturnsAtMostTheLimit_AndEachMessageOnce()
    {
        for (var i = 0; i < 40; i++)
        {
            await _store.AddAsync(_queue, $"m{i}");
        }

        var first = await _store.ReceiveAsync(_queue, 32, TimeSpan.FromSeconds(60));
        var second = await _store.ReceiveAsync(_queue, 32, TimeSpan.FromSeconds(60));

        Assert.Equal(32, first.Count);
        Assert.Equal(8, second.Count);
        Assert.Equal(40, first.Concat(second).Select(m => m.Content).Distinct().Count());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ReceiveAsync(_queue, 33, TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _store.ReceiveAsync(_queue, 1, TimeSpan.Zero));
    }

    [Fact]
    public async Task Add_Oversized_IsRefused()
    {
        await _store.AddAsync(_queue, new string('x', IQueueStore.MaxMessageBytes));

        await Assert.ThrowsAsync<ArgumentException>(() => _store.AddAsync(_queue, new string('x', IQueueStore.MaxMessageBytes + 1)));
    }
}

public sealed class InMemoryQueueStoreTests : QueueStoreContract<InMemoryFactory>;

public sealed class AzuriteQueueStoreTests : QueueStoreContract<AzuriteFactory>;
