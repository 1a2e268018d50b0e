using System.Globalization;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// Issues one PDF batch and its manifest, then records the tokens and marks the people invited or reminded.
/// Idempotent: tokens are derived, so a re-run writes the same letters over the same blobs and the same rows.
/// </summary>
internal sealed class IssueLettersActivity(WaveStore store, TokenDirectory tokens, WaveCounts counts, IOptions<WaveOptions> options, TimeProvider time)
    : TaskActivity<LetterJob, int>
{
    public override async Task<int> RunAsync(TaskActivityContext context, LetterJob job)
    {
        var ct = CancellationToken.None;
        var wave = await store.GetAsync(job.WaveId, ct) ?? throw new InvalidOperationException($"Wave '{job.WaveId}' does not exist.");
        var definition = wave.Definition;
        var partition = WaveStore.SamplePartition(job.WaveId, job.SampleId, job.Zone, job.Language);
        var wanted = job.Kind == LetterKind.Reminder
            ? (await PlanRemindersActivity.BatchRowsAsync(store, job, ct)).Select(WaveStore.SampleRowKey).ToHashSet(StringComparer.Ordinal)
            : null;
        var query = TableQuery.InPartition(partition)
            .Where("RowKey", TableComparison.GreaterThanOrEqual, WaveStore.SampleRowKey(job.From))
            .Where("RowKey", TableComparison.LessThanOrEqual, WaveStore.SampleRowKey(job.To));
        var rows = await store.Tables.QueryAllAsync(WaveStore.SampleTable(partition), query, ct)
            .Where(r => wanted is null || wanted.Contains(r.RowKey))
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            // Nothing to print (the rows are gone): no PDF, since one without pages cannot be written, and no failed run.
            return 0;
        }

        var secret = options.Value.WaveSecret(job.WaveId);
        var issued = rows.Select(r => (Row: r, Token: AccessToken.Derive(secret, job.WaveId, r.GetString("PersonRef")!))).ToList();
        var letters = issued.Select(i => InvitationRows.ToLetter(i.Row, job.Language, i.Token.Display, i.Token.Value)).ToList();
        var name = LetterBlob(job);
        var batch = ProofLetters.BatchOf(
            definition,
            job.Kind,
            job.Zone,
            job.Kind == LetterKind.Invitation ? definition.InvitationDate : DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime),
            Path.GetFileName(name) + ".pdf");

        IReadOnlyDictionary<string, int> packPages;
        using (var pdf = new MemoryStream())
        {
            packPages = LetterRenderer.Render(batch, letters, pdf);
            await store.Blobs.PutAsync(WaveStore.LettersContainer, name + ".pdf", pdf.ToArray(), BlobCondition.None, ct);
        }

        using (var csv = new MemoryStream())
        {
            Manifest.Write(batch, letters, csv, packPages);
            await store.Blobs.PutAsync(WaveStore.LettersContainer, name + ".csv", csv.ToArray(), BlobCondition.None, ct);
        }

        if (job.Kind == LetterKind.Invitation)
        {
            await tokens.RecordAsync(issued.Select(i => (i.Token, new TokenEntry(job.WaveId, partition, i.Row.RowKey), i.Row)), ct);
        }

        var flag = job.Kind == LetterKind.Invitation ? InvitationRows.Invited : InvitationRows.Reminded;
        await store.MergeAllAsync(partition, rows.Select(r => r.RowKey), new Dictionary<string, object> { [flag] = true, [flag + "Batch"] = job.Batch }, ct);
        // After the rows: a rerun of the batch marks and tallies again, to the same effect.
        await counts.TallyLettersAsync(job.WaveId, job.Kind.ToString().ToLowerInvariant(), job.Zone, job.Language, job.Batch, rows.CountBy(r => r.GetString("Municipality") ?? string.Empty).ToDictionary(), ct);
        return rows.Count;
    }

    /// <summary><c>{wave}/{invitation|reminder}/{zone}/{language}/{batch}</c>, without the extension.</summary>
    public static string LetterBlob(LetterJob job) =>
        $"{job.WaveId}/{job.Kind.ToString().ToLowerInvariant()}/{job.Zone}/{job.Language}/{job.Batch.ToString("D5", CultureInfo.InvariantCulture)}";
}
