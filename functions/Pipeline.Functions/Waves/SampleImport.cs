using Pipeline.Storage;
using Pipeline.Survey.Sample;

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
/// upload leaves the wave's current sample as it was.
/// </summary>
internal sealed class SampleImport(WaveStore store, TimeProvider time)
{
    /// <summary>Imports a sample file, checked row by row as <see cref="SampleReader"/> reads it.</summary>
    public Task<SampleImportResult> ImportAsync(WaveRecord wave, TextReader text, CancellationToken cancellationToken) =>
        ImportAsync(wave, new SampleReader(wave.Definition).ReadAsync(text, cancellationToken), cancellationToken);

    /// <summary>Imports people already read and checked (a draw), with no file in between.</summary>
    public Task<SampleImportResult> ImportAsync(WaveRecord wave, IEnumerable<SamplePerson> people, CancellationToken cancellationToken) =>
        ImportAsync(wave, people.Select(p => ((SamplePerson?)p, (SampleError?)null)).ToAsyncEnumerable(), cancellationToken);

    private async Task<SampleImportResult> ImportAsync(WaveRecord wave, IAsyncEnumerable<(SamplePerson? Person, SampleError? Error)> rows, CancellationToken cancellationToken)
    {
        var sampleId = $"{time.GetUtcNow():yyyyMMddHHmmss}-{Guid.NewGuid():N}"[..27];
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
            await DiscardAsync(wave.Definition.Id, sampleId, counts.Keys, cancellationToken);
            return new SampleImportResult(sampleId, counts, errors, errorCount);
        }

        foreach (var (partition, batch) in pending)
        {
            await store.Tables.ExecuteBatchAsync(WaveStore.SampleTable(partition), batch, cancellationToken);
        }

        if (counts.Count == 0)
        {
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
                await DiscardAsync(id, result.SampleId, result.Counts.Keys, cancellationToken);
                return null;
            }

            try
            {
                var attached = await store.SaveAsync(wave with { SampleId = result.SampleId, SampleCounts = result.Counts }, cancellationToken);
                if (wave.SampleId is not null)
                {
                    await store.DeletePartitionsAsync(WaveStore.Groups(wave).Select(g => g.Partition), cancellationToken);
                }

                return attached;
            }
            catch (PreconditionFailedException)
            {
                wave = await store.GetAsync(id, cancellationToken) ?? throw new InvalidOperationException($"Wave '{id}' disappeared.");
            }
        }
    }

    /// <summary>Removes a staged upload that the wave does not point at.</summary>
    public Task DiscardAsync(string waveId, string sampleId, IEnumerable<string> groups, CancellationToken cancellationToken) =>
        store.DeletePartitionsAsync(groups.Select(g => g.Split('|')).Select(g => WaveStore.SamplePartition(waveId, sampleId, g[0], g[1])), cancellationToken);
}
