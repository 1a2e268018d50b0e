using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The local runner's timers follow the Functions timer trigger's schedule monitor (azure-webjobs-sdk-extensions
/// ScheduleMonitor.CheckPastDueAsync, TimerListener.StartAsync): nothing runs at a first start, a missed occurrence runs
/// once at the next start, and of two hosts only one runs an occurrence.
/// </summary>
public sealed class ScheduleMonitorTests
{
    private static readonly Func<DateTime, DateTime> Hourly = t => new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 10, 30, 0, TimeSpan.Zero));
    private readonly IBlobStore _blobs;

    public ScheduleMonitorTests()
    {
        _blobs = StorageSet.InMemory(_clock).Blobs;
    }

    private ScheduleMonitor Host() => new(_blobs, _clock);

    private static DateTime At(int hour, int minute = 0) => new(2026, 12, 6, hour, minute, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Claim_FirstStart_NothingRuns_NextOccurrenceRecorded()
    {
        var claim = await Host().ClaimAsync("ReleaseResponses", Hourly, default);

        Assert.Null(claim.Occurrence);
        Assert.Equal(At(11), claim.Next);
        var status = Encoding.UTF8.GetString((await _blobs.GetAsync(ScheduleMonitor.Container, ScheduleMonitor.StatusBlob("ReleaseResponses"))).Content.Span);
        Assert.Contains("\"Next\":\"2026-12-06T11:00:00Z\"", status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Claim_AtItsOccurrence_RunsIt_ThenWaitsForTheNext()
    {
        await Host().ClaimAsync("ReleaseResponses", Hourly, default);
        _clock.Advance(TimeSpan.FromMinutes(30));

        var claim = await Host().ClaimAsync("ReleaseResponses", Hourly, default);
        var again = await Host().ClaimAsync("ReleaseResponses", Hourly, default);

        Assert.Equal(At(11), claim.Occurrence);
        Assert.Equal(At(12), claim.Next);
        Assert.Null(again.Occurrence);
    }

    [Fact]
    public async Task Claim_AfterDowntimeOverSeveralOccurrences_RunsOnceAtStart()
    {
        await Host().ClaimAsync("ReleaseResponses", Hourly, default);
        _clock.Advance(TimeSpan.FromHours(3) + TimeSpan.FromMinutes(10)); // 13:40: 11:00, 12:00 and 13:00 were missed

        var claim = await Host().ClaimAsync("ReleaseResponses", Hourly, default);
        var again = await Host().ClaimAsync("ReleaseResponses", Hourly, default);

        Assert.Equal(At(11), claim.Occurrence);
        Assert.Equal(At(14), claim.Next);
        Assert.Null(again.Occurrence);
    }

    [Fact]
    public async Task Claim_TwoHostsAtOneOccurrence_ExactlyOneRunsIt()
    {
        for (var hour = 0; hour < 20; hour++)
        {
            await Host().ClaimAsync("NightlyRefresh", Hourly, default);
            _clock.Advance(TimeSpan.FromHours(1));

            var claims = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(() => Host().ClaimAsync("NightlyRefresh", Hourly, default))));

            Assert.Single(claims, c => c.Occurrence is not null);
        }
    }

    [Fact]
    public async Task Claim_ScheduleMovedSooner_NextCountsFromNow()
    {
        await Host().ClaimAsync("NightlyRefresh", t => t.Date.AddDays(1).AddHours(2), default); // daily at 02:00: next tomorrow

        var claim = await Host().ClaimAsync("NightlyRefresh", Hourly, default);

        Assert.Null(claim.Occurrence);
        Assert.Equal(At(11), claim.Next);
    }
}
