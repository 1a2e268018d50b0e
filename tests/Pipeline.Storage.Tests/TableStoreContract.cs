namespace Pipeline.Storage.Tests;

/// <summary>What every <see cref="ITableStore"/> does; run against the twin and Azurite.</summary>
public abstract class TableStoreContract<TFactory> : IAsyncLifetime
    where TFactory : StoreFactory, new()
{
    private readonly TFactory _factory = new();
    private readonly string _table = StoreFactory.UniqueName("t");
    private ITableStore _store = null!;

    public async Task InitializeAsync() => _store = (await _factory.CreateAsync()).Tables;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Insert_ThenGet_RoundTripsEveryType()
    {
        var when = new DateTimeOffset(2026, 3, 1, 12, 30, 15, TimeSpan.FromHours(1));
        var id = Guid.NewGuid();
        var row = Row("p", "r", ("S", "tekst é"), ("B", true), ("I", 42), ("L", 1L << 40), ("D", 0.25), ("T", when), ("G", id), ("Y", new byte[] { 1, 2, 3 }));

        var etag = await _store.InsertAsync(_table, row);
        var read = await _store.GetAsync(_table, "p", "r");

        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("tekst é", read.Properties["S"]);
        Assert.Equal(true, read.Properties["B"]);
        Assert.Equal(42, read.Properties["I"]);
        Assert.Equal(1L << 40, read.Properties["L"]);
        Assert.Equal(0.25, read.Properties["D"]);
        Assert.Equal(when.ToUniversalTime(), read.Properties["T"]);
        Assert.Equal(TimeSpan.Zero, ((DateTimeOffset)read.Properties["T"]).Offset);
        Assert.Equal(id, read.Properties["G"]);
        Assert.Equal(new byte[] { 1, 2, 3 }, read.Properties["Y"]);
    }

    [Fact]
    public async Task Insert_Duplicate_IsConflict()
    {
        await _store.InsertAsync(_table, Row("p", "dup", ("V", 1)));

        await Assert.ThrowsAsync<ConflictException>(() => _store.InsertAsync(_table, Row("p", "dup", ("V", 2))));
        Assert.Equal(1, (await _store.GetAsync(_table, "p", "dup")).Properties["V"]);
    }

    [Fact]
    public async Task Upsert_Twice_KeepsSecondAndDropsOldProperties()
    {
        await _store.UpsertAsync(_table, Row("p", "u", ("V", 1), ("Old", "x")));
        await _store.UpsertAsync(_table, Row("p", "u", ("V", 2)));

        var read = await _store.GetAsync(_table, "p", "u");

        Assert.Equal(2, read.Properties["V"]);
        Assert.False(read.Properties.ContainsKey("Old"));
    }

    [Fact]
    public async Task Merge_SetsGivenPropertiesAndKeepsOthers_OrInserts()
    {
        var first = await _store.UpsertAsync(_table, Row("p", "m", ("Lease", "worker-1"), ("Signal", "a")));

        var merged = await _store.MergeAsync(_table, Row("p", "m", ("Signal", "b")));
        await _store.MergeAsync(_table, Row("p", "fresh", ("Signal", "c")));

        var read = await _store.GetAsync(_table, "p", "m");
        Assert.NotEqual(first, merged);
        Assert.Equal("worker-1", read.Properties["Lease"]);
        Assert.Equal("b", read.Properties["Signal"]);
        Assert.Equal("c", (await _store.GetAsync(_table, "p", "fresh")).Properties["Signal"]);
    }

    [Fact]
    public async Task Replace_CurrentETag_Succeeds_StaleETag_IsPreconditionFailed()
    {
        var first = await _store.InsertAsync(_table, Row("p", "e", ("V", 1)));
        var second = await _store.ReplaceAsync(_table, Row("p", "e", ("V", 2)), first);

        Assert.NotEqual(first, second);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.ReplaceAsync(_table, Row("p", "e", ("V", 3)), first));
        Assert.Equal(2, (await _store.GetAsync(_table, "p", "e")).Properties["V"]);
    }

    [Fact]
    public async Task Replace_Missing_IsNotFound()
    {
        await _store.InsertAsync(_table, Row("p", "other", ("V", 1)));

        await Assert.ThrowsAsync<NotFoundException>(() => _store.ReplaceAsync(_table, Row("p", "missing", ("V", 1)), "*"));
    }

    [Fact]
    public async Task Get_Missing_IsNotFound()
    {
        await Assert.ThrowsAsync<NotFoundException>(() => _store.GetAsync(_table, "p", "missing"));
        Assert.Null(await _store.TryGetAsync(_table, "p", "missing"));
    }

    [Fact]
    public async Task Delete_WithStaleETag_IsPreconditionFailed_ThenMissing_IsNotFound()
    {
        var stale = await _store.InsertAsync(_table, Row("p", "d", ("V", 1)));
        var current = await _store.ReplaceAsync(_table, Row("p", "d", ("V", 2)), stale);

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.DeleteAsync(_table, "p", "d", stale));
        await _store.DeleteAsync(_table, "p", "d", current);
        await Assert.ThrowsAsync<NotFoundException>(() => _store.DeleteAsync(_table, "p", "d"));
    }

    [Fact]
    public async Task Batch_MixedOperations_AppliesAllWithETags()
    {
        var etag = await _store.InsertAsync(_table, Row("b", "replace", ("V", 1)));
        await _store.InsertAsync(_table, Row("b", "delete", ("V", 1)));

        var etags = await _store.ExecuteBatchAsync(_table, new TableBatch()
            .Insert(Row("b", "new", ("V", 1)))
            .Upsert(Row("b", "upsert", ("V", 1)))
            .Replace(Row("b", "replace", ("V", 2)), etag)
            .Delete("b", "delete"));

        Assert.Equal(4, etags.Count);
        Assert.Null(etags[3]);
        Assert.Equal(etags[2], (await _store.GetAsync(_table, "b", "replace")).ETag);
        Assert.Equal(["new", "replace", "upsert"], (await _store.QueryAsync(_table, TableQuery.InPartition("b"))).Rows.Select(r => r.RowKey));
    }

    [Fact]
    public async Task Batch_OneFailingOperation_AppliesNothing()
    {
        var stale = await _store.InsertAsync(_table, Row("b", "guarded", ("V", 1)));
        await _store.UpsertAsync(_table, Row("b", "guarded", ("V", 2)));

        await Assert.ThrowsAsync<PreconditionFailedException>(() => _store.ExecuteBatchAsync(_table, new TableBatch()
            .Insert(Row("b", "would-be-new", ("V", 1)))
            .Replace(Row("b", "guarded", ("V", 3)), stale)));
        await Assert.ThrowsAsync<ConflictException>(() => _store.ExecuteBatchAsync(_table, new TableBatch()
            .Insert(Row("b", "would-be-new", ("V", 1)))
            .Insert(Row("b", "guarded", ("V", 3)))));

        Assert.Null(await _store.TryGetAsync(_table, "b", "would-be-new"));
        Assert.Equal(2, (await _store.GetAsync(_table, "b", "guarded")).Properties["V"]);
    }

    [Fact]
    public async Task Batch_Of100_Succeeds_Of101_IsRefusedBeforeSending()
    {
        var full = new TableBatch();
        var over = new TableBatch();
        for (var i = 0; i < 101; i++)
        {
            if (i < 100)
            {
                full.Insert(Row("full", $"{i:000}", ("V", i)));
            }

            over.Insert(Row("over", $"{i:000}", ("V", i)));
        }

        await _store.ExecuteBatchAsync(_table, full);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _store.ExecuteBatchAsync(_table, over));

        Assert.Contains("at most 100", error.Message, StringComparison.Ordinal);
        Assert.Equal(100, (await _store.QueryAsync(_table, TableQuery.InPartition("full"))).Rows.Count);
        Assert.Empty((await _store.QueryAsync(_table, TableQuery.InPartition("over"))).Rows);
    }

    [Fact]
    public async Task Batch_AcrossPartitions_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.ExecuteBatchAsync(_table, new TableBatch()
            .Insert(Row("a", "1", ("V", 1)))
            .Insert(Row("b", "1", ("V", 1)))));
    }

    [Fact]
    public async Task Write_KeysOnlyEntity_IsRefused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _store.UpsertAsync(_table, new TableRow("p", "bare", new Dictionary<string, object>())));
    }

    [Fact]
    public async Task Query_WithConditionsAndPaging_ReturnsEachMatchOnceInKeyOrder()
    {
        for (var p = 0; p < 3; p++)
        {
            var batch = new TableBatch();
            for (var r = 0; r < 10; r++)
            {
                batch.Insert(Row($"q{p}", $"{r:00}", ("N", (long)r), ("Status", r % 2 == 0 ? "even" : "odd")));
            }

            await _store.ExecuteBatchAsync(_table, batch);
        }

        var query = TableQuery.All
            .Where("Status", TableComparison.Equal, "even")
            .Where("N", TableComparison.GreaterThanOrEqual, 2L)
            with { PageSize = 4 };
        var seen = new List<string>();
        var pages = 0;
        string? continuation = null;
        do
        {
            var page = await _store.QueryAsync(_table, query with { Continuation = continuation });
            Assert.True(page.Rows.Count <= 4);
            seen.AddRange(page.Rows.Select(r => $"{r.PartitionKey}/{r.RowKey}"));
            continuation = page.Continuation;
            pages++;
        }
        while (continuation is not null);

        var expected = Enumerable.Range(0, 3).SelectMany(p => new[] { 2, 4, 6, 8 }.Select(r => $"q{p}/{r:00}"));
        Assert.Equal(expected, seen);
        Assert.True(pages >= 3);
    }

    [Fact]
    public async Task Query_RowKeyPrefix_MatchesOnlyThePrefix()
    {
        var batch = new TableBatch();
        foreach (var key in new[] { "ev-001", "ev-002", "ew-000", "e", "status" })
        {
            batch.Insert(Row("i", key, ("V", 1)));
        }

        await _store.ExecuteBatchAsync(_table, batch);

        var rows = await _store.QueryAllAsync(_table, TableQuery.InPartition("i").Where("RowKey", TableComparison.GreaterThanOrEqual, "ev-").Where("RowKey", TableComparison.LessThan, "ev-\uffff")).ToListAsync();

        Assert.Equal(["ev-001", "ev-002"], rows.Select(r => r.RowKey));
    }

    [Fact]
    public async Task Query_ByDate_ComparesInstants()
    {
        var t0 = new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
        await _store.InsertAsync(_table, Row("d", "early", ("At", t0)));
        await _store.InsertAsync(_table, Row("d", "late", ("At", t0.AddDays(2))));

        var rows = await _store.QueryAllAsync(_table, TableQuery.InPartition("d").Where("At", TableComparison.GreaterThan, t0.AddHours(26))).ToListAsync();

        Assert.Equal(["late"], rows.Select(r => r.RowKey));
    }

    [Fact]
    public async Task Query_UnknownTable_IsEmpty()
    {
        var page = await _store.QueryAsync(StoreFactory.UniqueName("t"), TableQuery.All);

        Assert.Empty(page.Rows);
        Assert.Null(page.Continuation);
    }

    private static TableRow Row(string pk, string rk, params (string Name, object Value)[] properties) =>
        new(pk, rk, properties.ToDictionary(p => p.Name, p => p.Value));
}

public sealed class InMemoryTableStoreTests : TableStoreContract<InMemoryFactory>;

public sealed class AzuriteTableStoreTests : TableStoreContract<AzuriteFactory>;
