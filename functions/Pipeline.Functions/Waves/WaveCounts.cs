using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>
/// An area's invitations: invited, reminded, opted out, and returned undeliverable (counters, not people). The net sample
/// (AAPOR's eligible cases) is who was invited less whose letter came back: the response rate's denominator.
/// </summary>
internal sealed record AreaInvitations(int Invited, int Reminded, int OptedOut, int Returned)
{
    public static readonly AreaInvitations Zero = new(0, 0, 0, 0);

    public int NetSample => Invited - Returned;

    public AreaInvitations Plus(AreaInvitations other) =>
        new(Invited + other.Invited, Reminded + other.Reminded, OptedOut + other.OptedOut, Returned + other.Returned);
}

/// <summary>
/// What a wave achieved per area (zone, municipality, neighbourhood), in one place. Invited, reminded and opted out
/// come from the people's rows until the purge, and from the counters the purge keeps in table <c>AreaCounts</c> after.
/// Responded always comes from the response store, which counts responses per area anyway: so once the reminder list
/// is fixed, no person's row needs to say "responded" (<see cref="DropRespondedFlagsAsync"/>).
/// </summary>
internal sealed class WaveCounts(WaveStore store, IResponseCounts responses)
{
    public const string AreaCountsTable = "AreaCounts";

    /// <summary>
    /// Running tallies of a wave in fieldwork (partition = the wave): a row per letters batch (<c>L|kind|zone|language|batch</c>,
    /// with its letters per municipality) and a row per person who opted out (<c>O|</c>) or whose letter came back (<c>R|</c>),
    /// keyed by a hash of the person's row, with its sample <c>Partition</c> and <c>Municipality</c>. Each is written once its people's rows
    /// are marked, and written again unchanged by a retry; so the progress of a national wave reads a few thousand small rows,
    /// not its 430,000 people. The purge deletes them with the people.
    /// </summary>
    public const string TalliesTable = "WaveTallies";

    /// <summary>Tallies a letters batch: its letters per municipality, after its people's rows were marked.</summary>
    public Task TallyLettersAsync(string waveId, string kind, string zone, string language, int batch, IReadOnlyDictionary<string, int> perMunicipality, CancellationToken cancellationToken) =>
        store.Tables.UpsertAsync(
            TalliesTable,
            new TableRow(waveId, $"L|{kind}|{zone}|{language}|{batch:D5}", new Dictionary<string, object>
            {
                ["Count"] = perMunicipality.Values.Sum(),
                ["Municipalities"] = System.Text.Json.JsonSerializer.Serialize(perMunicipality),
            }),
            cancellationToken);

    /// <summary>The flags of a person's row that are tallied, and their tallies' prefixes.</summary>
    public static readonly IReadOnlyDictionary<string, string> TalliedFlags = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [InvitationRows.OptedOut] = "O",
        [InvitationRows.Returned] = "R",
    };

    /// <summary>Tallies <paramref name="flag"/> (one of <see cref="TalliedFlags"/>) of the person in <paramref name="samplePartition"/>, row <paramref name="rowKey"/> (of <paramref name="municipality"/>), after the row was marked.</summary>
    public Task TallyPersonAsync(string waveId, string flag, string samplePartition, string rowKey, string municipality, CancellationToken cancellationToken) =>
        store.Tables.UpsertAsync(
            TalliesTable,
            new TableRow(waveId, TalliedFlags[flag] + "|" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(samplePartition + "|" + rowKey)))[..32], new Dictionary<string, object>
            {
                ["Partition"] = samplePartition,
                ["Municipality"] = municipality,
            }),
            cancellationToken);

    /// <summary>
    /// Per zone and per municipality: invited, reminded, opted out, responded and the response rate, and the responses per
    /// day; from the tallies while the wave is in fieldwork (from the counters after the purge; from the people's rows for
    /// a wave started before tallies were kept).
    /// </summary>
    public async Task<WaveProgressView> ProgressAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        if (wave.Phase == WavePhase.Draft || wave.SampleId is null)
        {
            return WaveProgressView.None;
        }

        var areas = (wave.CountsFixed ? null : await TalliedAsync(wave, cancellationToken))
            ?? PerMunicipality((await InvitationsAsync(wave, cancellationToken)).Areas);
        return await ViewAsync(wave, areas, cancellationToken);
    }

    /// <summary>Invited, reminded and opted out per (zone, municipality) from the tallies; null when no invitation was tallied.</summary>
    private async Task<Dictionary<(string Zone, string Municipality), AreaInvitations>?> TalliedAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        var areas = new Dictionary<(string Zone, string Municipality), AreaInvitations>();
        void Add((string, string) area, AreaInvitations more) => areas[area] = (areas.GetValueOrDefault(area) ?? AreaInvitations.Zero).Plus(more);

        var tallied = false;
        var zoneOf = WaveStore.Groups(wave).ToDictionary(g => g.Partition, g => g.Zone, StringComparer.Ordinal);
        await foreach (var row in store.Tables.QueryAllAsync(TalliesTable, TableQuery.InPartition(wave.Definition.Id), cancellationToken))
        {
            var parts = row.RowKey.Split('|');
            if (parts is ["L", var kind, var zone, _, _])
            {
                tallied |= kind == "invitation";
                foreach (var (municipality, count) in System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(row.GetString("Municipalities") ?? "{}")!)
                {
                    Add((zone, municipality), kind == "invitation" ? AreaInvitations.Zero with { Invited = count } : AreaInvitations.Zero with { Reminded = count });
                }
            }
            else if (parts is [var person, _] && row.GetString("Partition") is { } partition && zoneOf.TryGetValue(partition, out var zoneOfRow))
            {
                Add((zoneOfRow, row.GetString("Municipality") ?? string.Empty), person == "O" ? AreaInvitations.Zero with { OptedOut = 1 } : AreaInvitations.Zero with { Returned = 1 });
            }
        }

        return tallied ? areas : null;
    }

    private static Dictionary<(string Zone, string Municipality), AreaInvitations> PerMunicipality(Dictionary<(string Zone, string Municipality, string Neighbourhood), AreaInvitations> areas) =>
        areas.GroupBy(a => (a.Key.Zone, a.Key.Municipality))
            .ToDictionary(g => g.Key, g => g.Aggregate(AreaInvitations.Zero, (sum, a) => sum.Plus(a.Value)));

    /// <summary>The progress of <paramref name="areas"/>' invitations with the wave's responses: per municipality, per zone, per day.</summary>
    private async Task<WaveProgressView> ViewAsync(WaveRecord wave, Dictionary<(string Zone, string Municipality), AreaInvitations> areas, CancellationToken cancellationToken)
    {
        var (responded, paper, perDay) = await responses.ByMunicipalityAndDayAsync(wave.Definition.Id, cancellationToken);
        var municipalities = areas.Keys.Union(responded.Keys)
            .Select(a =>
            {
                var invitations = areas.GetValueOrDefault(a) ?? AreaInvitations.Zero;
                var answered = responded.GetValueOrDefault(a);
                return new AreaProgress(a.Zone, a.Municipality, invitations.Invited, invitations.Reminded, invitations.OptedOut, invitations.Returned, answered, Rate(answered, invitations.NetSample))
                {
                    OnPaper = paper.GetValueOrDefault(a),
                };
            })
            .OrderBy(a => a.Zone, StringComparer.Ordinal).ThenBy(a => a.Municipality, StringComparer.Ordinal)
            .ToList();
        var zones = wave.Definition.Zones.Select(zone =>
        {
            var own = municipalities.Where(m => m.Zone == zone.Id).ToList();
            var (invited, returned, answered) = (own.Sum(m => m.Invited), own.Sum(m => m.Returned), own.Sum(m => m.Responded));
            return new ZoneSummary(zone.Id, invited, own.Sum(m => m.Reminded), answered, own.Sum(m => m.OptedOut), Rate(answered, invited - returned)) { Returned = returned, OnPaper = own.Sum(m => m.OnPaper) };
        }).Where(z => z.Invited > 0 || z.Responded > 0).ToList();
        return new WaveProgressView(zones, municipalities, perDay);
    }

    private static double Rate(int responded, int netSample) => netSample <= 0 ? 0 : Math.Round((double)responded / netSample, 4);

    /// <summary>Deletes a wave's tallies (at the purge: the opt-out rows name people's rows); returns how many.</summary>
    public async Task<int> DeleteTalliesAsync(string waveId, CancellationToken cancellationToken)
    {
        var rows = await store.Tables.QueryAllAsync(TalliesTable, TableQuery.InPartition(waveId), cancellationToken).ToListAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(TableBatch.MaxOperations))
        {
            var batch = new TableBatch();
            foreach (var row in chunk)
            {
                batch.Delete(row.PartitionKey, row.RowKey, row.ETag);
            }

            await store.Tables.ExecuteBatchAsync(TalliesTable, batch, cancellationToken);
        }

        return rows.Count;
    }

    /// <summary>Invitations per (zone, municipality, neighbourhood), and the smallest group of invited people that share every attribute a response carries (0 once purged).</summary>
    public async Task<(Dictionary<(string Zone, string Municipality, string Neighbourhood), AreaInvitations> Areas, int SmallestCell)> InvitationsAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        var areas = new Dictionary<(string, string, string), AreaInvitations>();
        if (wave.CountsFixed)
        {
            await foreach (var row in store.Tables.QueryAllAsync(AreaCountsTable, TableQuery.InPartition(wave.Definition.Id), cancellationToken))
            {
                areas[(row.GetString("Zone")!, row.GetString("Municipality")!, row.GetString("Neighbourhood")!)] =
                    new AreaInvitations(row.Get<int>("Invited"), row.Get<int>("Reminded"), row.Get<int>("OptedOut"), row.Properties.ContainsKey("Returned") ? row.Get<int>("Returned") : 0);
            }

            return (areas, 0);
        }

        var cells = new Dictionary<(string, string, string, string, string, string), int>();
        foreach (var group in WaveStore.Groups(wave))
        {
            await foreach (var row in store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition), cancellationToken))
            {
                if (!InvitationRows.Has(row, InvitationRows.Invited))
                {
                    continue;
                }

                var key = (group.Zone, row.GetString("Municipality") ?? string.Empty, row.GetString("Neighbourhood") ?? string.Empty);
                areas[key] = (areas.GetValueOrDefault(key) ?? AreaInvitations.Zero).Plus(new AreaInvitations(
                    1,
                    InvitationRows.Has(row, InvitationRows.Reminded) ? 1 : 0,
                    InvitationRows.Has(row, InvitationRows.OptedOut) ? 1 : 0,
                    InvitationRows.Has(row, InvitationRows.Returned) ? 1 : 0));
                var cell = (key.Zone, key.Item2, key.Item3, row.GetString("AgeBand") ?? string.Empty, row.GetString("Sex") ?? string.Empty, group.Language);
                cells[cell] = cells.GetValueOrDefault(cell) + 1;
            }
        }

        return (areas, cells.Count == 0 ? 0 : cells.Values.Min());
    }

    /// <summary>
    /// Per zone: invited, reminded, responded, opted out and the response rate, from a scan of the people's rows; and the
    /// smallest attribute cell (which only the scan knows). Without the cell, <see cref="ProgressAsync"/> reads the tallies.
    /// </summary>
    public async Task<(IReadOnlyList<ZoneSummary> Zones, int SmallestCell)> ByZoneAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        var (areas, smallest) = await InvitationsAsync(wave, cancellationToken);
        return ((await ViewAsync(wave, PerMunicipality(areas), cancellationToken)).Zones, smallest);
    }

    /// <summary>
    /// From now on the release marks no person "responded", and the rows that say so lose the column. Idempotent; run
    /// once the reminder list is fixed, and at the close.
    /// </summary>
    public async Task DropRespondedFlagsAsync(string waveId, CancellationToken cancellationToken)
    {
        var wave = await WaveLifecycle.UpdateAsync(store, waveId, w => w with { RespondedFlagsDropped = true }, cancellationToken);
        foreach (var group in WaveStore.Groups(wave))
        {
            var flagged = await store.Tables.QueryAllAsync(WaveStore.SampleTable(group.Partition), TableQuery.InPartition(group.Partition).Where(InvitationRows.Responded, TableComparison.Equal, true), cancellationToken)
                .ToListAsync(cancellationToken);
            foreach (var chunk in flagged.Chunk(TableBatch.MaxOperations))
            {
                var batch = new TableBatch();
                foreach (var row in chunk)
                {
                    batch.Replace(row with { Properties = row.Properties.Where(p => p.Key != InvitationRows.Responded).ToDictionary() }, row.ETag!);
                }

                // A row changed meanwhile (an opt-out) fails the batch: the activity's retry takes it again.
                await store.Tables.ExecuteBatchAsync(WaveStore.SampleTable(group.Partition), batch, cancellationToken);
            }
        }
    }

    /// <summary>Writes the per-area counters the purge keeps, once; from then on they are read instead of the rows.</summary>
    public async Task FixCountsAsync(WaveRecord wave, CancellationToken cancellationToken)
    {
        if (wave.CountsFixed)
        {
            return;
        }

        var (areas, _) = await InvitationsAsync(wave, cancellationToken);
        foreach (var chunk in areas.Chunk(TableBatch.MaxOperations))
        {
            var batch = new TableBatch();
            foreach (var ((zone, municipality, neighbourhood), counts) in chunk)
            {
                batch.Upsert(new TableRow(wave.Definition.Id, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{zone}\n{municipality}\n{neighbourhood}")))[..32], new Dictionary<string, object>
                {
                    ["Zone"] = zone,
                    ["Municipality"] = municipality,
                    ["Neighbourhood"] = neighbourhood,
                    ["Invited"] = counts.Invited,
                    ["Reminded"] = counts.Reminded,
                    ["OptedOut"] = counts.OptedOut,
                    ["Returned"] = counts.Returned,
                }));
            }

            await store.Tables.ExecuteBatchAsync(AreaCountsTable, batch, cancellationToken);
        }

        await WaveLifecycle.UpdateAsync(store, wave.Definition.Id, w => w with { CountsFixed = true }, cancellationToken);
    }
}

/// <summary>
/// The wave's released responses, counted per municipality and day: read by the wave's progress, kept by the aggregates (their
/// segments), which register themselves as the counter, so that the wave knows no feature after it.
/// </summary>
internal interface IResponseCounts
{
    /// <summary>The released responses per (zone, municipality), of them on paper, and per day.</summary>
    Task<ResponseCounts> ByMunicipalityAndDayAsync(string waveId, CancellationToken cancellationToken);
}

/// <summary>A wave's released responses per (zone, municipality), of them on paper, and per day.</summary>
internal sealed record ResponseCounts(
    IReadOnlyDictionary<(string Zone, string Municipality), int> ByMunicipality,
    IReadOnlyDictionary<(string Zone, string Municipality), int> OnPaper,
    IReadOnlyDictionary<DateOnly, int> ByDay);

/// <summary>An area's progress: invited, reminded, opted out, returned undeliverable, responded, and the response rate over the net sample.</summary>
internal sealed record AreaProgress(string Zone, string Municipality, int Invited, int Reminded, int OptedOut, int Returned, int Responded, double ResponseRate)
{
    public int NetSample => Invited - Returned;

    /// <summary>Of the responses, those on paper (the rest came on the web).</summary>
    public int OnPaper { get; init; }
}

/// <summary>A wave's progress: per zone, per municipality, and the responses per day.</summary>
internal sealed record WaveProgressView(IReadOnlyList<ZoneSummary> Zones, IReadOnlyList<AreaProgress> Municipalities, IReadOnlyDictionary<DateOnly, int> ResponsesPerDay)
{
    public static readonly WaveProgressView None = new([], [], new Dictionary<DateOnly, int>());
}
