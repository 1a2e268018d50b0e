using System.Text;

namespace Pipeline.Storage.Tests;

/// <summary>What every <see cref="IBlobStore"/> does; run against the twin and Azurite.</summary>
public abstract class BlobStoreContract<TFactory> : IAsyncLifetime
    where TFactory : StoreFactory, new()
{
    private readonly TFactory _factory = new();
    private readonly string _container = StoreFactory.UniqueName("c");
    private IBlobStore _store = null!;

    public async Task InitializeAsync() => _store = (await _factory.CreateAsync()).Blobs;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Put_ThenGet_ReturnsContentAndSameETag()
    {
        var etag = await _store.PutAsync(_container, "a/b.json", Bytes("hello"), BlobCondition.None);

        var blob = await _store.GetAsync(_container, "a/b.json");

        Assert.Equal("hello", Encoding.UTF8.GetString(blob.Content.Span));
        Assert.Equal(etag, blob.ETag);
    }

    [Fact]
    public async Task Put_IfNotExistsTwice_SecondIsConflictAndFirstKept()
    {
        await _store.PutAsync(_container, "once", Bytes("first"), BlobCondition.IfNotExists);

        await Assert.ThrowsAsync<ConflictException>(() => _store.PutAsync(_container, "once", Bytes("second"), BlobCondition.IfNotExists));
        Assert.Equal("first", Encoding.UTF8.GetString((await _store.GetAsync(_container, "once")).Content.Span));
    }

    [Fact]
    public async Task Put_IfMatchCurrentETag_ReplacesAndChangesETag()
    {
        var first = await _store.PutAsync(_container, "guarded", Bytes("v1"), BlobCondition.None);

        var second = await _store.PutAsync(_container, "guarded", Bytes("v2"), BlobCondition.IfMatch(first));

        Assert.NotEqual(first, second);
        Assert.Equal("v2", Encoding.UTF8.GetString((await _store.GetAsync(_container, "guarded")).Content.Span));
    }

    [Fact]
    public async Task Put_IfMatchStaleETag_IsPreconditionFailedAndKeepsNewer()
    {
        var stale = await _store.PutAsync(_container, "guarded", Bytes("v1"), BlobCondition.None);
        await _store.PutAsync(_container, "guarded", Bytes("v2"), BlobCondition.IfMatch(stale));

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.PutAsync(_container, "guarded", Bytes("v3"), BlobCondition.IfMatch(stale)));
        Assert.Equal("v2", Encoding.UTF8.GetString((await _store.GetAsync(_container, "guarded")).Content.Span));
    }

    [Fact]
    public async Task Get_Missing_IsNotFound()
    {
        await _store.PutAsync(_container, "other", Bytes("x"), BlobCondition.None);

        await Assert.ThrowsAsync<NotFoundException>(() => _store.GetAsync(_container, "missing"));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.GetAsync(StoreFactory.UniqueName("never"), "missing"));
    }

    [Fact]
    public async Task List_ByPrefixWithPaging_ReturnsEachMatchOnceInOrder()
    {
        var names = Enumerable.Range(0, 7).Select(i => $"p/{i:00}").Concat(["q/0", "pz"]).ToList();
        foreach (var name in names)
        {
            await _store.PutAsync(_container, name, Bytes(name), BlobCondition.None);
        }

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            var page = await _store.ListAsync(_container, "p/", 3, continuation);
            Assert.True(page.Items.Count <= 3);
            seen.AddRange(page.Items.Select(i => i.Name));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        Assert.Equal(names.Where(n => n.StartsWith("p/", StringComparison.Ordinal)), seen);
        Assert.True(pages >= 3);
        Assert.All((await _store.ListAsync(_container, "p/00")).Items, i => Assert.Equal(4, i.Length));
    }

    [Fact]
    public async Task List_UnknownContainer_IsEmpty()
    {
        var page = await _store.ListAsync(StoreFactory.UniqueName("none"), string.Empty);

        Assert.Empty(page.Items);
        Assert.Null(page.Continuation);
    }

    [Fact]
    public async Task Delete_ExistingThenMissing_ReturnsTrueThenFalse()
    {
        await _store.PutAsync(_container, "gone", Bytes("x"), BlobCondition.None);

        Assert.True(await _store.DeleteAsync(_container, "gone"));
        Assert.False(await _store.DeleteAsync(_container, "gone"));
        await Assert.ThrowsAsync<NotFoundException>(() => _store.GetAsync(_container, "gone"));
    }

    [Fact]
    public async Task Delete_StaleETag_IsPreconditionFailedAndKeepsBlob()
    {
        var stale = await _store.PutAsync(_container, "kept", Bytes("v1"), BlobCondition.None);
        await _store.PutAsync(_container, "kept", Bytes("v2"), BlobCondition.None);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.DeleteAsync(_container, "kept", stale));
        Assert.Equal("v2", Encoding.UTF8.GetString((await _store.GetAsync(_container, "kept")).Content.Span));
    }

    [Fact]
    public async Task Put_LargeStream_RoundTrips()
    {
        var data = new byte[3 * 1024 * 1024];
        new Random(7).NextBytes(data);
        using var stream = new MemoryStream(data);

        await _store.PutAsync(_container, "big.bin", stream, BlobCondition.IfNotExists);

        var read = await _store.GetAsync(_container, "big.bin");

        Assert.Equal(data, read.Content.ToArray());
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("ab")]
    [InlineData("a--b")]
    public async Task Put_BadContainerName_IsArgumentException(string container)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync(container, "x", Bytes("x"), BlobCondition.None));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}

public sealed class InMemoryBlobStoreTests : BlobStoreContract<InMemoryFactory>;

public sealed class AzuriteBlobStoreTests : BlobStoreContract<AzuriteFactory>;
