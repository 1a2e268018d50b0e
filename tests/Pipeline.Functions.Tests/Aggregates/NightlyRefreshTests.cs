using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>The nightly refresh's schedule (Brussels time), its past-due run at start-up, and its lease across hosts.</summary>
public sealed class NightlyRefreshTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
    private readonly ITableStore _tables;
    private readonly IBlobStore _blobs;
    private readonly IQueueStore _queues;

    public NightlyRefreshTests()
    {
        var storage = StorageSet.InMemory(_clock);
        _tables = storage.Tables;
        _blobs = storage.Blobs;
        _queues = storage.Queues;
    }

    private NightlyRefresh Host(string schedule = "0 0 2 * * *")
    {
        var store = new WaveStore(_tables, _blobs);
        var options = Options.Create(new AggregateOptions { NightlySchedule = schedule });
        var segments = new ResponseSegments(store, TimeProvider.System);
        return new NightlyRefresh(store, new AggregateService(store, _queues, segments, new WaveCounts(store, segments), options, _clock, NullLogger<AggregateService>.Instance), segments, options, _clock, NullLogger<NightlyRefresh>.Instance);
    }

    [Fact]
    public void Schedule_InBrusselsTime_WinterAndSummer()
    {
        var refresh = Host();

        Assert.Equal(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero), refresh.LastDue(_clock.GetUtcNow()));
        Assert.Equal(new DateTimeOffset(2026, 1, 6, 1, 0, 0, TimeSpan.Zero), refresh.Next(_clock.GetUtcNow()));
        Assert.Equal(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero), refresh.Next(new DateTimeOffset(2026, 6, 30, 12, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task RunIfDue_PastDueAtStartUp_OnceAfterThreeMissedNights_ThenNextNight()
    {
        var refresh = Host();

        Assert.True(await refresh.RunIfDueAsync(default));
        Assert.False(await refresh.RunIfDueAsync(default));
        _clock.Advance(TimeSpan.FromDays(3));
        Assert.True(await refresh.RunIfDueAsync(default));
        Assert.False(await refresh.RunIfDueAsync(default));
        _clock.Advance(TimeSpan.FromHours(15));
        Assert.False(await refresh.RunIfDueAsync(default));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.True(await refresh.RunIfDueAsync(default));
    }

    [Fact]
    public async Task RunIfDue_TwoHostsAtOnce_OneRuns()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Host().RunIfDueAsync(default))));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task Start_BadSchedule_FailsNamingTheKey()
    {
        await using var app = new PipelineApplication { Settings = { ["Aggregates:NightlySchedule"] = "0 2 * * *" } };

        var error = Assert.IsAssignableFrom<OptionsValidationException>(app.StartFailure());

        Assert.Contains("Aggregates:NightlySchedule", error.Message, StringComparison.Ordinal);
    }
}
