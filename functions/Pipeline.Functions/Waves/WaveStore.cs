using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Pipeline.Functions.Platform;
using Pipeline.Storage;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Waves;

/// <summary>
/// Where waves live. Table <c>Waves</c>: one row per wave. Sample tables: one table (see <see cref="SampleTable"/>) and
/// partition per upload, zone and language (<c>{wave}|{upload}|{zone}|{language}</c>), one row per person in file order; these rows are also the
/// invitation store (invited, reminded, responded, opted out). Table <c>Tokens</c>: the keyed hash of each token,
/// pointing at its person's row. Blobs: <c>letters/{wave}/...</c> and <c>plans/{wave}/...</c>.
/// </summary>
internal sealed partial class WaveStore(ITableStore tables, IBlobStore blobs)
{
    public const string WavesTable = "Waves";
    public const string TokensTable = "Tokens";
    public const string LettersContainer = "letters";
    public const string PlansContainer = "plans";
    private const string WavePartition = "wave";

    public ITableStore Tables => tables;

    public IBlobStore Blobs => blobs;

    /// <summary>How old a wave read by <see cref="GetRecentAsync"/> may be: 5 s.</summary>
    public static readonly TimeSpan RecentAge = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, (WaveRecord Record, long ReadAt)> _recent = new(StringComparer.Ordinal);

    public async Task<WaveRecord> CreateAsync(WaveDefinition definition, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var record = new WaveRecord(definition, WavePhase.Draft, now);
        var etag = await tables.InsertAsync(WavesTable, ToRow(record), cancellationToken);
        return Remember(record with { ETag = etag });
    }

    /// <summary>
    /// The wave as read at most <see cref="RecentAge"/> ago, by this process: for the respondents' hot path, where
    /// each submission would otherwise read and parse the wave. Changes made in this process are seen at once;
    /// a change made by another host (a close, a cancel) within 5 s.
    /// </summary>
    public async Task<WaveRecord?> GetRecentAsync(string id, CancellationToken cancellationToken)
    {
        if (_recent.TryGetValue(id, out var recent) && Environment.TickCount64 - recent.ReadAt < RecentAge.TotalMilliseconds)
        {
            return recent.Record;
        }

        return await GetAsync(id, cancellationToken) is { } record ? Remember(record) : null;
    }

    private WaveRecord Remember(WaveRecord record)
    {
        _recent[record.Definition.Id] = (record, Environment.TickCount64);
        return record;
    }

    /// <summary>The wave; null when there is none, also for an id no wave can have (so a malformed id is a 404, not a storage error).</summary>
    public async Task<WaveRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        WaveValidator.IsId(id) && await tables.TryGetAsync(WavesTable, WavePartition, id, cancellationToken) is { } row ? FromRow(row) : null;

    public async Task<IReadOnlyList<WaveRecord>> ListAsync(CancellationToken cancellationToken) =>
        await tables.QueryAllAsync(WavesTable, TableQuery.InPartition(WavePartition), cancellationToken).Select(FromRow).ToListAsync(cancellationToken);

    /// <summary>Writes <paramref name="record"/> if nobody changed the wave since it was read; else <see cref="PreconditionFailedException"/>.</summary>
    public async Task<WaveRecord> SaveAsync(WaveRecord record, CancellationToken cancellationToken)
    {
        var etag = await tables.ReplaceAsync(WavesTable, ToRow(record), record.ETag!, cancellationToken);
        return Remember(record with { ETag = etag });
    }

    /// <summary>
    /// The table of one zone and language of one sample upload: a table per group, because Azurite answers a
    /// query by scanning the whole table, so one table for every wave's sample made each batch's query slower
    /// as waves grew (a national wave stalled). The name is a hash of the partition key.
    /// </summary>
    public static string SampleTable(string partition) => "s" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(partition)))[..24];

    /// <summary>The partition of one zone and language of one sample upload.</summary>
    public static string SamplePartition(string waveId, string sampleId, string zone, string language) => $"{waveId}|{sampleId}|{zone}|{language}";

    public static string SampleRowKey(int sequence) => sequence.ToString("D7", CultureInfo.InvariantCulture);

    /// <summary>The sample's groups in a fixed order: zone, then language, with their sizes.</summary>
    public static IEnumerable<(string Zone, string Language, string Partition, int Count)> Groups(WaveRecord wave) =>
        wave.SampleCounts
            .Select(c => (Parts: c.Key.Split('|'), Count: c.Value))
            .OrderBy(c => c.Parts[0], StringComparer.Ordinal).ThenBy(c => c.Parts[1], StringComparer.Ordinal)
            .Select(c => (c.Parts[0], c.Parts[1], SamplePartition(wave.Definition.Id, wave.SampleId!, c.Parts[0], c.Parts[1]), c.Count));

    /// <summary>Every partition an upload could have staged rows in: each zone and language of the wave.</summary>
    public static IEnumerable<string> UploadPartitions(WaveDefinition wave, string sampleId) =>
        wave.Zones.SelectMany(z => wave.Languages.Select(l => SamplePartition(wave.Id, sampleId, z.Id, l)));

    /// <summary>Deletes every row of the given sample partitions, 100 at a time; returns how many.</summary>
    public async Task<int> DeletePartitionsAsync(IEnumerable<string> partitions, CancellationToken cancellationToken)
    {
        var deleted = 0;
        foreach (var partition in partitions)
        {
            var batch = new TableBatch();
            await foreach (var row in tables.QueryAllAsync(SampleTable(partition), TableQuery.InPartition(partition), cancellationToken))
            {
                batch.Delete(partition, row.RowKey);
                deleted++;
                if (batch.Operations.Count == TableBatch.MaxOperations)
                {
                    await tables.ExecuteBatchAsync(SampleTable(partition), batch, cancellationToken);
                    batch = new TableBatch();
                }
            }

            if (batch.Operations.Count > 0)
            {
                await tables.ExecuteBatchAsync(SampleTable(partition), batch, cancellationToken);
            }
        }

        return deleted;
    }

    /// <summary>Merges the same properties into many rows of one partition, 100 per batch.</summary>
    public async Task MergeAllAsync(string partition, IEnumerable<string> rowKeys, IReadOnlyDictionary<string, object> properties, CancellationToken cancellationToken)
    {
        foreach (var chunk in rowKeys.Chunk(TableBatch.MaxOperations))
        {
            var batch = new TableBatch();
            foreach (var key in chunk)
            {
                batch.Merge(new TableRow(partition, key, properties));
            }

            await tables.ExecuteBatchAsync(SampleTable(partition), batch, cancellationToken);
        }
    }

    /// <summary>Characters of definition JSON per table property (the limit is 32,768); a row holds up to 1 MB.</summary>
    private const int DefinitionChunk = 30_000;

    /// <summary>The longest definition a wave row holds: 30 properties of <see cref="DefinitionChunk"/> characters.</summary>
    public const int MaxDefinitionChars = 30 * DefinitionChunk;

    /// <summary>The largest wave definition body accepted (2 MB): room for the stored JSON with the request's white space.</summary>
    public const int MaxDefinitionBytes = 2 * 1024 * 1024;

    private static TableRow ToRow(WaveRecord record)
    {
        var properties = new Dictionary<string, object>
        {
            ["Phase"] = record.Phase.ToString(),
            ["CreatedAt"] = record.CreatedAt,
            ["SampleCounts"] = JsonSerializer.Serialize(record.SampleCounts, AppJson.Web),
            ["Purged"] = record.Purged,
            ["StagedSamples"] = JsonSerializer.Serialize(record.StagedSamples, AppJson.Web),
            ["RespondedFlagsDropped"] = record.RespondedFlagsDropped,
            ["CountsFixed"] = record.CountsFixed,
        };
        // A national wave's definition (some 200 zones with their margins) is longer than one property.
        var definition = JsonSerializer.Serialize(record.Definition, AppJson.Web);
        for (var i = 0; i * DefinitionChunk < definition.Length; i++)
        {
            properties[$"Definition{i}"] = definition.Substring(i * DefinitionChunk, Math.Min(DefinitionChunk, definition.Length - (i * DefinitionChunk)));
        }

        if (record.SampleId is { } sample)
        {
            properties["SampleId"] = sample;
        }

        if (record.StartedAt is { } started)
        {
            properties["StartedAt"] = started;
        }

        if (record.ClosedAt is { } closed)
        {
            properties["ClosedAt"] = closed;
        }

        return new TableRow(WavePartition, record.Definition.Id, properties) { ETag = record.ETag };
    }

    private static WaveRecord FromRow(TableRow row) =>
        new(ReadDefinition(row), Enum.Parse<WavePhase>(row.GetString("Phase")!), row.Get<DateTimeOffset>("CreatedAt"))
        {
            SampleId = row.GetString("SampleId"),
            SampleCounts = JsonSerializer.Deserialize<Dictionary<string, int>>(row.GetString("SampleCounts") ?? "{}", AppJson.Web)!,
            StartedAt = row.Properties.ContainsKey("StartedAt") ? row.Get<DateTimeOffset>("StartedAt") : null,
            ClosedAt = row.Properties.ContainsKey("ClosedAt") ? row.Get<DateTimeOffset>("ClosedAt") : null,
            Purged = row.Get<bool>("Purged"),
            StagedSamples = JsonSerializer.Deserialize<List<string>>(row.GetString("StagedSamples") ?? "[]", AppJson.Web)!,
            RespondedFlagsDropped = row.Properties.ContainsKey("RespondedFlagsDropped") && row.Get<bool>("RespondedFlagsDropped"),
            CountsFixed = row.Properties.ContainsKey("CountsFixed") && row.Get<bool>("CountsFixed"),
            ETag = row.ETag,
        };

    private static WaveDefinition ReadDefinition(TableRow row)
    {
        var json = new System.Text.StringBuilder();
        for (var i = 0; row.GetString($"Definition{i}") is { } part; i++)
        {
            json.Append(part);
        }

        return JsonSerializer.Deserialize<WaveDefinition>(json.ToString(), AppJson.Web)!;
    }
}
