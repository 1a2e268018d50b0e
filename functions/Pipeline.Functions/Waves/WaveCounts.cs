using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>An area's invitations: invited, reminded and opted out (counters, not people).</summary>
internal sealed record AreaInvitations(int Invited, int Reminded, int OptedOut);

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
    /// with its letters per municipality) and a row per opt-out (<c>O|</c> and a hash of the person's row, with its sample
    /// <c>Partition</c> and <c>Municipality</c>). Each is written once its people's rows
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

    /// <summary>Tallies the opt-out of the person in <paramref name="samplePartition"/>, row <paramref name="rowKey"/> (of <paramref name="municipality"/>), after the row was marked.</summary>
    public Task TallyOptOutAsync(string waveId, string samplePartition, string rowKey, string municipality, CancellationToken cancellationToken) =>
        store.Tables.UpsertAsync(
            TalliesTable,
            new TableRow(waveId, "O|" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(samplePartition + "|" + rowKey)))[..32], new Dictionary<string, object>
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
        void Add((string, string) area, int invited, int reminded, int optedOut)
        {
            var before = areas.GetValueOrDefault(area) ?? new AreaInvitations(0, 0, 0);
            areas[area] = new AreaInvitations(before.Invited + invited, before.Reminded + reminded, before.OptedOut + optedOut);
        }

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
                    Add((zone, municipality), kind == "invitation" ? count : 0, kind == "invitation" ? 0 : count, 0);
                }
            }
            else if (parts is ["O", _] && row.GetString("Partition") is { } partition && zoneOf.TryGetValue(partition, out var zoneOfRow))
            {
                Add((zoneOfRow, row.GetString("Municipality") ?? string.Empty), 0, 0, 1);
            }
        }

        return tallied ? areas : null;
    }

    private static Dictionary<(string Zone, string Municipality), AreaInvitations> PerMunicipality(Dictionary<(string Zone, string Municipality, string Neighbourhood), AreaInvitations> areas) =>
        areas.GroupBy(a => (a.Key.Zone, a.Key.Municipality))
            .ToDictionary(g => g.Key, g => new AreaInvitations(g.Sum(a => a.Value.Invited), g.Sum(a => a.Value.Reminded), g.Sum(a => a.Value.OptedOut)));

    /// <summary>The progress of <paramref name="areas"/>' invitations with the wave's responses: per municipality, per zone, per day.</summary>
    private async Task<WaveProgressView> ViewAsync(WaveRecord wave, Dictionary<(string Zone, string Municipality), AreaInvitations> areas, CancellationToken cancellationToken)
    {
        var (responded, perDay) = await responses.ByMunicipalityAndDayAsync(wave.Definition.Id, cancellationToken);
        var municipalities = areas.Keys.Union(responded.Keys)
            .Select(a =>
            {
                var invitations = areas.GetValueOrDefault(a) ?? new AreaInvitations(0, 0, 0);
                var answered = responded.GetValueOrDefault(a);
                return new AreaProgress(a.Zone, a.Municipality, invitations.Invited, invitations.Reminded, invitations.OptedOut, answered, Rate(answered, invitations.Invited));
            })
            .OrderBy(a => a.Zone, StringComparer.Ordinal).ThenBy(a => a.Municipality, StringComparer.Ordinal)
            .ToList();
        var zones = wave.Definition.Zones.Select(zone =>
        {
            var own = municipalities.Where(m => m.Zone == zone.Id).ToList();
            var (invited, answered) = (own.Sum(m => m.Invited), own.Sum(m => m.Responded));
            return new ZoneSummary(zone.Id, invited, own.Sum(m => m.Reminded), answered, own.Sum(m => m.OptedOut), Rate(answered, invited));
        }).Where(z => z.Invited > 0 || z.Responded > 0).ToList();
        return new WaveProgressView(zones, municipalities, perDay);
    }

    private static double Rate(int responded, int invited) => invited == 0 ? 0 : Math.Round((double)responded / invited, 4);

    /// <summary>Deletes a wave's tallies (at the purge: the opt-out rows name people's rows).</summary>
    public async Task DeleteTalliesAsync(string waveId, CancellationToken cancellationToken)
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
                    new AreaInvitations(row.Get<int>("Invited"), row.Get<int>("Reminded"), row.Get<int>("OptedOut"));
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
                var before = areas.GetValueOrDefault(key) ?? new AreaInvitations(0, 0, 0);
                areas[key] = new AreaInvitations(
                    before.Invited + 1,
                    before.Reminded + (InvitationRows.Has(row, InvitationRows.Reminded) ? 1 : 0),
                    before.OptedOut + (InvitationRows.Has(row, InvitationRows.OptedOut) ? 1 : 0));
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
    /// <summary>The released responses per (zone, municipality), and per day.</summary>
    Task<(IReadOnlyDictionary<(string Zone, string Municipality), int> ByMunicipality, IReadOnlyDictionary<DateOnly, int> ByDay)> ByMunicipalityAndDayAsync(string waveId, CancellationToken cancellationToken);
}

/// <summary>An area's progress: invited, reminded, opted out, responded and the response rate.</summary>
internal sealed record AreaProgress(string Zone, string Municipality, int Invited, int Reminded, int OptedOut, int Responded, double ResponseRate);

/// <summary>A wave's progress: per zone, per municipality, and the responses per day.</summary>
internal sealed record WaveProgressView(IReadOnlyList<ZoneSummary> Zones, IReadOnlyList<AreaProgress> Municipalities, IReadOnlyDictionary<DateOnly, int> ResponsesPerDay)
{
    public static readonly WaveProgressView None = new([], [], new Dictionary<DateOnly, int>());
}
