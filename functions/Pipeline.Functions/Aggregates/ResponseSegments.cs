using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Aggregates;

/// <summary>One response in a segment, under the name of the blob it was released as.</summary>
internal sealed record SegmentEntry(string Name, ResponseRecord Response);

/// <summary>
/// A wave's responses: the single blobs the release writes (<c>responses/{wave}/{zone}/{random}.json</c>) and the
/// per-zone segments the nightly refresh compacts them into (<c>response-segments/{wave}/{zone}/{id}.json.gz</c>,
/// a gzip'd JSON array of <see cref="SegmentEntry"/>). Compaction writes a segment (create-only) before it deletes
/// the blobs in it, and a reader keys responses by their blob name: a crash between the two, or a segment
/// written twice, never counts a response twice, and no response is deleted before a segment holds it.
/// Both kinds never change once written, so this host reads each once.
/// </summary>
internal sealed class ResponseSegments(WaveStore store)
{
    public const string Container = "response-segments";

    private static readonly ParallelOptions Parallelism = new() { MaxDegreeOfParallelism = 8 };

    private readonly ConcurrentDictionary<string, IReadOnlyList<SegmentEntry>> _segments = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ResponseRecord> _singles = new(StringComparer.Ordinal);

    /// <summary>Every response of the wave once, by the name of its released blob.</summary>
    public async Task<Dictionary<string, ResponseRecord>> ReadAsync(string waveId, CancellationToken cancellationToken)
    {
        return (await ReadWithSinglesAsync(waveId, cancellationToken)).Responses;
    }

    /// <summary>
    /// Writes each zone's single blobs into a new segment, then deletes them; returns how many it compacted.
    /// </summary>
    public async Task<int> CompactAsync(string waveId, CancellationToken cancellationToken)
    {
        var (responses, singles, covered) = await ReadWithSinglesAsync(waveId, cancellationToken);
        var compacted = 0;
        foreach (var zone in singles.GroupBy(ZoneOf))
        {
            var loose = zone.Where(name => !covered.Contains(name)).ToList();
            if (loose.Count > 0)
            {
                var entries = loose.Select(name => new SegmentEntry(name, responses[name])).ToList();
                var name = $"{waveId}/{zone.Key}/{DateTime.UtcNow:yyyyMMddHHmmss}-{Guid.NewGuid():N}.json.gz";
                await store.Blobs.PutAsync(Container, name, Compress(entries), BlobCondition.IfNotExists, cancellationToken);
                _segments[name] = entries;
                compacted += entries.Count;
            }

            await Parallel.ForEachAsync(zone, Parallelism, async (single, ct) =>
            {
                await store.Blobs.DeleteAsync(ResponseRelease.Container, single, null, ct);
                _singles.TryRemove(single, out _);
            });
        }

        return compacted;
    }

    /// <summary>The responses, the names of the single blobs, and the names the segments hold.</summary>
    private async Task<(Dictionary<string, ResponseRecord> Responses, List<string> Singles, HashSet<string> Covered)> ReadWithSinglesAsync(string waveId, CancellationToken cancellationToken)
    {
        var segments = await store.Blobs.ListAllAsync(Container, waveId + "/", cancellationToken).Select(b => b.Name).ToListAsync(cancellationToken);
        await Parallel.ForEachAsync(segments.Where(n => !_segments.ContainsKey(n)), Parallelism, async (name, ct) =>
        {
            var blob = await store.Blobs.GetAsync(Container, name, ct);
            await using var gzip = new GZipStream(new MemoryStream(blob.Content.ToArray()), CompressionMode.Decompress);
            _segments[name] = (await JsonSerializer.DeserializeAsync<List<SegmentEntry>>(gzip, ResponseRecord.Json, ct))!;
        });

        var responses = new Dictionary<string, ResponseRecord>(StringComparer.Ordinal);
        foreach (var name in segments)
        {
            foreach (var entry in _segments[name])
            {
                responses[entry.Name] = entry.Response;
            }
        }

        var covered = responses.Keys.ToHashSet(StringComparer.Ordinal);
        var singles = await store.Blobs.ListAllAsync(ResponseRelease.Container, waveId + "/", cancellationToken).Select(b => b.Name).ToListAsync(cancellationToken);
        await Parallel.ForEachAsync(singles.Where(n => !responses.ContainsKey(n) && !_singles.ContainsKey(n)), Parallelism, async (name, ct) =>
            _singles[name] = JsonSerializer.Deserialize<ResponseRecord>((await store.Blobs.GetAsync(ResponseRelease.Container, name, ct)).Content.Span, ResponseRecord.Json)!);
        foreach (var name in singles.Where(n => !responses.ContainsKey(n)))
        {
            responses[name] = _singles[name];
        }

        return (responses, singles, covered);
    }

    private static string ZoneOf(string blobName) => blobName.Split('/')[1];

    private static MemoryStream Compress(List<SegmentEntry> entries)
    {
        var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, entries, ResponseRecord.Json);
        }

        buffer.Position = 0;
        return buffer;
    }
}
