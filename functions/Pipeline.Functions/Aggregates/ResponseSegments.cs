using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// One response in a segment, under the name of the blob it was released as: written as the record's JSON
/// (<c>SegmentEntry&lt;JsonElement&gt;</c>), read as its <see cref="ResponseFacts"/>.
/// </summary>
internal sealed record SegmentEntry<TResponse>(string Name, TResponse Response);

/// <summary>
/// A wave's responses: the single blobs the release writes (<c>responses/{wave}/{zone}/{random}.json</c>) and the
/// per-zone segments the nightly refresh compacts them into (<c>response-segments/{wave}/{zone}/{id}.json.br</c>,
/// a Brotli-compressed JSON array of <see cref="SegmentEntry{TResponse}"/>). Compaction writes a segment (create-only)
/// before it deletes the blobs in it, and a reader keys responses by their blob name: a crash between the two,
/// or a segment written twice, never counts a response twice, and no response is deleted before a segment holds
/// it. Both kinds never change once written, so this host reads each once.
/// </summary>
internal sealed class ResponseSegments(WaveStore store, TimeProvider time) : IResponseCounts
{
    public const string Container = "response-segments";

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 16 };

    private readonly ConcurrentDictionary<string, IReadOnlyList<SegmentEntry<ResponseFacts>>> _segments = new(StringComparer.Ordinal);
    /// <summary>Single blobs read: their JSON as stored (for compaction) and what aggregation reads of them.</summary>
    private readonly ConcurrentDictionary<string, (JsonElement Json, ResponseFacts Facts)> _singles = new(StringComparer.Ordinal);

    /// <summary>The released responses per (zone, municipality), and per day.</summary>
    public async Task<ResponseCounts> ByMunicipalityAndDayAsync(string waveId, CancellationToken cancellationToken)
    {
        var responses = (await ReadAsync(waveId, cancellationToken)).Values;
        return new(
            responses.CountBy(r => (r.Zone, r.Municipality)).ToDictionary(),
            responses.Where(r => r.OnPaper).CountBy(r => (r.Zone, r.Municipality)).ToDictionary(),
            responses.CountBy(r => r.Day).ToDictionary());
    }

    /// <summary>Every response of the wave once, by the name of its released blob.</summary>
    public async Task<Dictionary<string, ResponseFacts>> ReadAsync(string waveId, CancellationToken cancellationToken) =>
        (await ReadWithSinglesAsync(waveId, cancellationToken)).Responses;

    /// <summary>
    /// Writes each zone's single blobs into a new segment, then deletes them; returns how many it compacted.
    /// </summary>
    public async Task<int> CompactAsync(string waveId, CancellationToken cancellationToken)
    {
        var (_, singles, loose) = await ReadWithSinglesAsync(waveId, cancellationToken);

        // Every zone's segment first, then the deletes: no blob goes before a segment holds it.
        var compacted = 0;
        await Parallel.ForEachAsync(loose.GroupBy(ZoneOf), Parallelism, async (zone, ct) =>
            Interlocked.Add(ref compacted, await WriteSegmentAsync(waveId, zone.Key, [.. zone.Select(name => new SegmentEntry<JsonElement>(name, _singles[name].Json))], ct)));
        await Parallel.ForEachAsync(singles, Parallelism, async (single, ct) =>
        {
            await store.Blobs.DeleteAsync(ResponseRelease.Container, single, null, ct);
            _singles.TryRemove(single, out _);
        });

        return compacted;
    }

    /// <summary>Writes one new segment of a zone (create-only); returns the number of responses in it.</summary>
    public async Task<int> WriteSegmentAsync(string waveId, string zone, IReadOnlyList<SegmentEntry<JsonElement>> entries, CancellationToken cancellationToken)
    {
        var name = $"{waveId}/{zone}/{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}.json.br";
        await store.Blobs.PutAsync(Container, name, Compress(entries), BlobCondition.IfNotExists, cancellationToken);
        _segments[name] = [.. entries.Select(e => new SegmentEntry<ResponseFacts>(e.Name, e.Response.Deserialize<ResponseFacts>(AppJson.Web)!))];
        return entries.Count;
    }

    /// <summary>The responses, the names of the single blobs, and those of them no segment holds yet.</summary>
    private async Task<(Dictionary<string, ResponseFacts> Responses, List<string> Singles, List<string> Loose)> ReadWithSinglesAsync(string waveId, CancellationToken cancellationToken)
    {
        var segments = await store.Blobs.ListAllAsync(Container, waveId + "/", cancellationToken).Select(b => b.Name).ToListAsync(cancellationToken);
        await Parallel.ForEachAsync(segments.Where(n => !_segments.ContainsKey(n)), Parallelism, async (name, ct) =>
        {
            var blob = await store.Blobs.GetAsync(Container, name, ct);
            await using var brotli = new BrotliStream(new MemoryStream(blob.Content.ToArray()), CompressionMode.Decompress);
            _segments[name] = (await JsonSerializer.DeserializeAsync<List<SegmentEntry<ResponseFacts>>>(brotli, AppJson.Web, ct))!;
        });

        var responses = new Dictionary<string, ResponseFacts>(StringComparer.Ordinal);
        foreach (var name in segments)
        {
            foreach (var entry in _segments[name])
            {
                responses[entry.Name] = entry.Response;
            }
        }

        var singles = await store.Blobs.ListAllAsync(ResponseRelease.Container, waveId + "/", cancellationToken).Select(b => b.Name).ToListAsync(cancellationToken);
        var loose = singles.Where(n => !responses.ContainsKey(n)).ToList();
        await Parallel.ForEachAsync(loose.Where(n => !_singles.ContainsKey(n)), Parallelism, async (name, ct) =>
        {
            var json = JsonSerializer.Deserialize<JsonElement>((await store.Blobs.GetAsync(ResponseRelease.Container, name, ct)).Content.Span);
            _singles[name] = (json, json.Deserialize<ResponseFacts>(AppJson.Web)!);
        });
        foreach (var name in loose)
        {
            responses[name] = _singles[name].Facts;
        }

        return (responses, singles, loose);
    }

    private static string ZoneOf(string blobName) => blobName.Split('/')[1];

    private static MemoryStream Compress(IReadOnlyList<SegmentEntry<JsonElement>> entries)
    {
        var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, entries, AppJson.Web);
        }

        buffer.Position = 0;
        return buffer;
    }
}
