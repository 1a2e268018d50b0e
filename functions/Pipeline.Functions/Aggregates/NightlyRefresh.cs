using Microsoft.Extensions.Options;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// The nightly refresh of every open or recently closed wave: its responses compacted into per-zone segments
/// (<see cref="ResponseSegments"/>), then its aggregates recomputed, on <see cref="AggregateOptions.NightlySchedule"/>
/// in Brussels time. Like Functions' timer trigger, a run missed while no host was up runs once when a host
/// starts (not once per missed night). A lease row in table <c>AggregateRequests</c> keeps two hosts from running
/// it at once: the claim is an ETag-guarded write, and a claim left by a crashed host expires after 30 minutes.
/// </summary>
internal sealed class NightlyRefresh(WaveStore store, AggregateService aggregates, ResponseSegments segments, IOptions<AggregateOptions> options, TimeProvider time, ILogger<NightlyRefresh> logger)
{
    private const string Partition = "nightly";
    private const string Row = "schedule";

    private readonly RowLease _lease = new(store, time);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(30);

    /// <summary>The latest scheduled time at or before <paramref name="now"/> (looking back at most 400 days).</summary>
    public DateTimeOffset? LastDue(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, WaveCalendar.Brussels).DateTime;
        var occurrences = options.Value.ParseNightly().GetNextOccurrences(local.AddDays(-400), local.AddTicks(1)).ToList();
        return occurrences.Count == 0 ? null : new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(occurrences[^1], WaveCalendar.Brussels));
    }

    /// <summary>The next scheduled time after <paramref name="now"/>.</summary>
    public DateTimeOffset Next(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, WaveCalendar.Brussels).DateTime;
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(options.Value.ParseNightly().GetNextOccurrence(local), WaveCalendar.Brussels));
    }

    /// <summary>Runs the refresh when a scheduled time has passed since the last run and no other host holds it; true when it ran.</summary>
    public async Task<bool> RunIfDueAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (LastDue(now) is not { } due)
        {
            return false;
        }

        if (await _lease.TryTakeAsync(Partition, Row, Lease, cancellationToken, row => !(row?.Get<DateTimeOffset>("LastRun") >= due)) is not { } held)
        {
            return false;
        }

        var cutoff = now.AddDays(-options.Value.RecentlyClosedDays);
        var waves = (await store.ListAsync(cancellationToken))
            .Where(w => w.Phase == WavePhase.Fieldwork || (w.Phase is WavePhase.Closed or WavePhase.Cancelled && w.ClosedAt >= cutoff))
            .ToList();
        foreach (var wave in waves)
        {
            // Compacted first, so that the recompute (and every later one) reads a few segments, not every response.
            await segments.CompactAsync(wave.Definition.Id, cancellationToken);
            // Skipped while another host recomputes the wave: that recompute reads what this one would.
            await aggregates.TryRecomputeAsync(wave.Definition.Id, cancellationToken);
        }

        await _lease.ReleaseAsync(held, new Dictionary<string, object> { ["LastRun"] = due }, cancellationToken);
        Log.NightlyRefreshed(logger, waves.Count, due);
        return true;
    }
}
