using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Statistics;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// Recomputes a wave's aggregates from its response blobs and writes one blob per area:
/// <c>aggregates/{wave}/{level}/{area}.json</c>. Recomputes are requested by a row in table
/// <c>AggregateRequests</c>, written before the response blobs that need it (so a crash after the write still
/// leaves the request), and taken by <see cref="ProcessRequestsAsync"/>, which deletes a request only if nobody
/// renewed it meanwhile: every response blob is counted at least once. Each request also puts a wake-up message on
/// queue <see cref="RecomputeRequests.Queue"/>, whose queue-triggered function runs <see cref="ProcessRequestsAsync"/> within seconds;
/// the row, not the message, is the request, so a lost or failed message loses nothing (the next message or the
/// nightly refresh takes the row).
/// </summary>
internal sealed class AggregateService(WaveStore store, IQueueStore queues, ResponseSegments segments, WaveCounts counts, IOptions<AggregateOptions> options, TimeProvider time, ILogger<AggregateService> logger)
{
    public const string Container = "aggregates";


    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 8 };

    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastRun = new(StringComparer.Ordinal);

    private readonly RowLease _lease = new(store, time);

    /// <summary>The recompute's lease on a wave: a host that crashed while recomputing holds it this long.</summary>
    private static readonly TimeSpan RecomputeLease = TimeSpan.FromMinutes(5);

    /// <summary>How soon a request whose wave another host is recomputing is tried again.</summary>
    private static readonly TimeSpan WhileLeased = TimeSpan.FromSeconds(1);

    private const string LeasePartition = "recompute";

    public static string BlobName(string wave, string level, string area) => $"{wave}/{level}/{Uri.EscapeDataString(area)}.json";

    /// <summary>
    /// Takes every request whose wave was not recomputed by this host within the coalesce window; returns how
    /// many waves were recomputed. A request it leaves for the window gets a wake-up message due when the window ends.
    /// </summary>
    public async Task<int> ProcessRequestsAsync(CancellationToken cancellationToken)
    {
        var done = 0;
        TimeSpan? wake = null;
        await foreach (var request in store.Tables.QueryAllAsync(RecomputeRequests.Table, TableQuery.InPartition(RecomputeRequests.Partition), cancellationToken))
        {
            if (_lastRun.TryGetValue(request.RowKey, out var last) && time.GetUtcNow() - last < options.Value.CoalesceWindow)
            {
                var left = options.Value.CoalesceWindow - (time.GetUtcNow() - last);
                wake = wake is { } earlier && earlier < left ? earlier : left;
                continue;
            }

            _lastRun[request.RowKey] = time.GetUtcNow();
            if (await TryRecomputeAsync(request.RowKey, cancellationToken) is null)
            {
                // Another host recomputes the wave and may have read it before this request: try again after it.
                wake = wake is { } sooner && sooner < WhileLeased ? sooner : WhileLeased;
                continue;
            }

            done++;
            try
            {
                await store.Tables.DeleteAsync(RecomputeRequests.Table, request.PartitionKey, request.RowKey, request.ETag, cancellationToken);
            }
            catch (Exception e) when (e is PreconditionFailedException or NotFoundException)
            {
                // Renewed while we computed: the next pass recomputes again.
            }
        }

        if (wake is { } delay)
        {
            await queues.AddAsync(RecomputeRequests.Queue, "coalesced", delay, cancellationToken);
        }

        return done;
    }

    /// <summary>
    /// Recomputes the wave under its lease, so that of two hosts that recompute it at once, the one that read fewer
    /// responses cannot write its figures over the other's; null (and nothing done) while another host holds the lease.
    /// </summary>
    public async Task<int?> TryRecomputeAsync(string waveId, CancellationToken cancellationToken)
    {
        if (await _lease.TryTakeAsync(LeasePartition, waveId, RecomputeLease, cancellationToken) is not { } held)
        {
            return null;
        }

        try
        {
            return await RecomputeAsync(waveId, cancellationToken);
        }
        finally
        {
            await _lease.ReleaseAsync(held, null, CancellationToken.None);
        }
    }

    /// <summary>Recomputes and writes every area of the wave, without its lease; returns the number of responses read.</summary>
    public async Task<int> RecomputeAsync(string waveId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(waveId, cancellationToken) is not { } wave)
        {
            return 0;
        }

        var responses = (await segments.ReadAsync(waveId, cancellationToken)).Values.ToList();
        var invited = (await counts.InvitationsAsync(wave, cancellationToken)).Areas;

        var settings = options.Value;
        var areas = AggregateBuilder.Build(wave.Definition, responses, invited, time.GetUtcNow(),
            new SuppressionOptions(settings.MinimumRespondents, settings.IndicativeRespondents), new RakingOptions(settings.TrimFactor),
            await PreviousAsync(wave, cancellationToken));
        var held = 0;
        await Parallel.ForEachAsync(areas, Parallelism, async (area, ct) =>
        {
            if (area.Responses is { } now && await ReadAsync(area.Wave, area.Level, area.Area, ct) is { } json
                && JsonSerializer.Deserialize<AreaAggregate>(json, Json)!.Responses is { } before && now > before && now - before < settings.MinimumChange)
            {
                // Too few new responses since the last publication: its figures minus these would be theirs alone.
                Interlocked.Increment(ref held);
                return;
            }

            await store.Blobs.PutAsync(Container, BlobName(area.Wave, area.Level, area.Area), JsonSerializer.SerializeToUtf8Bytes(area, Json), BlobCondition.None, ct);
        });
        Log.Recomputed(logger, waveId, responses.Count, areas.Count - held, held);
        return responses.Count;
    }

    /// <summary>Per zone of <paramref name="wave"/>, the zone aggregate of the latest earlier wave (by invitation date) with that zone.</summary>
    private async Task<Dictionary<string, AreaAggregate>> PreviousAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        var earlier = (await store.ListAsync(cancellationToken))
            .Where(w => w.Definition.InvitationDate < wave.Definition.InvitationDate)
            .OrderByDescending(w => w.Definition.InvitationDate)
            .ToList();
        var previous = new Dictionary<string, AreaAggregate>(StringComparer.Ordinal);
        foreach (var zone in wave.Definition.Zones)
        {
            foreach (var candidate in earlier.Where(w => w.Definition.Zones.Any(z => z.Id == zone.Id)))
            {
                if (await ReadAsync(candidate.Definition.Id, AggregateBuilder.Zone, zone.Id, cancellationToken) is { } json)
                {
                    previous[zone.Id] = JsonSerializer.Deserialize<AreaAggregate>(json, Json)!;
                    break;
                }
            }
        }

        return previous;
    }

    /// <summary>The aggregate of one area, or null when none was computed.</summary>
    public async Task<byte[]?> ReadAsync(string waveId, string level, string area, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.Blobs.GetAsync(Container, BlobName(waveId, level, area), cancellationToken)).Content.ToArray();
        }
        catch (NotFoundException)
        {
            return null;
        }
    }

    /// <summary>The areas computed for a wave: (level, area).</summary>
    public async Task<List<(string Level, string Area)>> ListAsync(string waveId, CancellationToken cancellationToken) =>
        await store.Blobs.ListAllAsync(Container, waveId + "/", cancellationToken)
            .Select(b => b.Name.Split('/'))
            .Select(parts => (parts[1], Uri.UnescapeDataString(parts[2][..^".json".Length])))
            .ToListAsync(cancellationToken);

    /// <summary>camelCase, enums as names: the aggregate blobs and the API's JSON.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
}
