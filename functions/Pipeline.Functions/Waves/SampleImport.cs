using Pipeline.Storage;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Waves;

/// <summary>The outcome of a sample upload: the staged sample, or the rows that were refused.</summary>
internal sealed record SampleImportResult(string SampleId, IReadOnlyDictionary<string, int> Counts, IReadOnlyList<SampleError> Errors, int ErrorCount)
{
    public const int MaxReported = 100;

    public bool Ok => ErrorCount == 0;
}

/// <summary>
/// Streams a sample file into a new, unreferenced upload (its own partitions), 100 rows per batch. The wave
/// points at the upload only once every row was accepted, so an upload is all or nothing: a refused or broken
/// upload leaves the wave's current sample as it was. Every upload is recorded on the wave
/// (<see cref="WaveRecord.StagedSamples"/>) before its first row is written, so that one that fails is discarded at
/// once, one that a crash left behind is swept by the next upload (after <see cref="StaleAfter"/>), and the purge
/// finds them all.
/// </summary>
internal sealed class SampleImport(WaveStore store, TimeProvider time)
{
    /// <summary>An upload staged this long ago and not attached was left by a crash. 1 hour.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromHours(1);

    private const string StampFormat = "yyyyMMddHHmmss";

    /// <summary>Imports a sample file, checked row by row as <see cref="SampleReader"/> reads it.</summary>
    public Task<SampleImportResult> ImportAsync(WaveRecord wave, TextReader text, CancellationToken cancellationToken) =>
        ImportAsync(wave, new SampleReader(wave.Definition).ReadAsync(text, cancellationToken), cancellationToken);

    /// <summary>Imports people already read and checked (a draw), with no file in between.</summary>
    public Task<SampleImportResult> ImportAsync(WaveRecord wave, IEnumerable<SamplePerson> people, CancellationToken cancellationToken) =>
        ImportAsync(wave, people.Select(p => ((SamplePerson?)p, (SampleError?)null)).ToAsyncEnumerable(), cancellationToken);

    private async Task<SampleImportResult> ImportAsync(WaveRecord wave, IAsyncEnumerable<(SamplePerson? Person, SampleError? Error)> rows, CancellationToken cancellationToken)
    {
        var sampleId = $"{time.GetUtcNow().ToString(StampFormat, System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}"[..27];
        await SweepAsync(wave.Definition.Id, cancellationToken);
        await WaveLifecycle.UpdateAsync(store, wave.Definition.Id, w => w with { StagedSamples = [.. w.StagedSamples, sampleId] }, cancellationToken);
        try
        {
            return await StageAsync(wave, sampleId, rows, cancellationToken);
        }
        catch
        {
            // A 413, a client that went away, a file that is not UTF-8, a storage fault: nothing staged may stay.
            await DiscardAsync(wave.Definition, sampleId, CancellationToken.None);
            throw;
        }
    }

    private async Task<SampleImportResult> StageAsync(WaveRecord wave, string sampleId, IAsyncEnumerable<(SamplePerson? Person, SampleError? Error)> rows, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var pending = new Dictionary<string, TableBatch>(StringComparer.Ordinal);
        var errors = new List<SampleError>();
        var errorCount = 0;
        await foreach (var (person, error) in rows)
        {
            if (error is not null)
            {
                errorCount++;
                errors.Add(error);
                if (errors.Count == SampleImportResult.MaxReported)
                {
                    break;
                }

                continue;
            }

            if (errorCount > 0)
            {
                // The upload is refused anyway: read on only to report more errors.
                continue;
            }

            var group = $"{person!.Zone}|{person.Language}";
            var sequence = counts[group] = counts.GetValueOrDefault(group) + 1;
            var partition = WaveStore.SamplePartition(wave.Definition.Id, sampleId, person.Zone, person.Language);
            if (!pending.TryGetValue(partition, out var batch))
            {
                pending[partition] = batch = new TableBatch();
            }

            batch.Insert(new TableRow(partition, WaveStore.SampleRowKey(sequence), InvitationRows.FromPerson(person)));
            if (batch.Operations.Count == TableBatch.MaxOperations)
            {
                await store.Tables.ExecuteBatchAsync(WaveStore.SampleTable(partition), batch, cancellationToken);
                pending.Remove(partition);
            }
        }

        if (errorCount > 0)
        {
            await DiscardAsync(wave.Definition, sampleId, cancellationToken);
            return new SampleImportResult(sampleId, counts, errors, errorCount);
        }

        foreach (var (partition, batch) in pending)
        {
            await store.Tables.ExecuteBatchAsync(WaveStore.SampleTable(partition), batch, cancellationToken);
        }

        if (counts.Count == 0)
        {
            await DiscardAsync(wave.Definition, sampleId, cancellationToken);
            return new SampleImportResult(sampleId, counts, [new SampleError(2, "The file has a header but no people.")], 1);
        }

        return new SampleImportResult(sampleId, counts, [], 0);
    }

    /// <summary>
    /// Points the wave at an accepted upload and drops the upload it replaced; null (and the new upload dropped)
    /// when the wave started meanwhile.
    /// </summary>
    public async Task<WaveRecord?> AttachAsync(WaveRecord wave, SampleImportResult result, CancellationToken cancellationToken)
    {
        var id = wave.Definition.Id;
        while (true)
        {
            if (wave.Phase != WavePhase.Draft)
            {
                await DiscardAsync(wave.Definition, result.SampleId, cancellationToken);
                return null;
            }

            try
            {
                var attached = await store.SaveAsync(wave with { SampleId = result.SampleId, SampleCounts = result.Counts }, cancellationToken);
                if (wave.SampleId is { } replaced)
                {
                    await DiscardAsync(wave.Definition, replaced, cancellationToken);
                }

                return attached;
            }
            catch (PreconditionFailedException)
            {
                wave = await store.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Wave '{id}' disappeared.");
            }
        }
    }

    /// <summary>
    /// Removes an upload's rows in every zone and language, then its record on the wave; the number of rows. For a
    /// staged upload the wave does not point at, and at the purge for all of them.
    /// </summary>
    public async Task<int> DiscardAsync(WaveDefinition wave, string sampleId, CancellationToken cancellationToken)
    {
        var deleted = await store.DeletePartitionsAsync(WaveStore.UploadPartitions(wave, sampleId), cancellationToken);
        await WaveLifecycle.UpdateAsync(store, wave.Id, w => w.StagedSamples.Contains(sampleId) ? w with { StagedSamples = [.. w.StagedSamples.Where(s => s != sampleId)] } : w, cancellationToken);
        return deleted;
    }

    /// <summary>Discards the uploads of this wave that a crash left staged: not the current sample, and older than <see cref="StaleAfter"/>.</summary>
    public async Task SweepAsync(string waveId, CancellationToken cancellationToken)
    {
        if (await store.GetAsync(waveId, cancellationToken) is not { } wave)
        {
            return;
        }

        foreach (var staged in wave.StagedSamples.Where(s => s != wave.SampleId))
        {
            if (DateTimeOffset.TryParseExact(staged[..StampFormat.Length], StampFormat, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
                && time.GetUtcNow() - at > StaleAfter)
            {
                await DiscardAsync(wave.Definition, staged, cancellationToken);
            }
        }
    }
}
