using System.Globalization;
using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Survey.Sample;

namespace Pipeline.Functions.Waves;

internal static partial class WavesApi
{
    /// <summary>
    /// Streams the sample file into a staged upload, then points the wave at it. Refused rows reject the whole
    /// file with a report (at most 100 errors with line numbers); the wave keeps its previous sample.
    /// </summary>
    internal static Task<IResult> UploadSampleAsync(
        string id, HttpContext http, WaveStore store, SampleImport import, DurableTaskClient client, IOptions<WaveOptions> options, CancellationToken ct) =>
        UploadSampleFromAsync(id, http, http.Request.Body, store, import, client, options, ct);

    /// <summary>The same, for the sample file in <paramref name="body"/> (the request's body, or a file of a console form).</summary>
    internal static async Task<IResult> UploadSampleFromAsync(
        string id, HttpContext http, Stream body, WaveStore store, SampleImport import, DurableTaskClient client, IOptions<WaveOptions> options, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Draft || await client.GetInstanceAsync(id, ct) is not null)
        {
            return StartedConflict(id);
        }

        return await ReadUploadAsync(http, body, "Sample", options.Value.MaxSampleBytes, async text =>
        {
            var result = await import.ImportAsync(wave, text, ct);
            if (!result.Ok)
            {
                return RowsRefused(
                    "The sample was refused",
                    $"{result.ErrorCount}{(result.ErrorCount >= SampleImportResult.MaxReported ? " or more" : string.Empty)} rows have errors; nothing was imported. Correct them and upload the whole file again.",
                    result.Errors);
            }

            return await import.AttachAsync(wave, result, ct) is { } attached
                ? TypedResults.Ok(new SampleAccepted(id, attached.SampleSize, result.Counts))
                : StartedConflict(id);
        });
    }

    /// <summary>
    /// Draws the sample from a population-register extract (the sample file's columns) and imports it like an
    /// upload: stratified by municipality x age band x sex, <c>perZone</c> people per zone (default 1,400) or a
    /// zone's share of <c>size</c> when that is more, reproducible from <c>seed</c> (drawn at random and reported
    /// when not given). The extract is spooled to a temporary file and read twice; it is deleted at the end.
    /// </summary>
    internal static Task<IResult> DrawSampleAsync(
        string id, string? seed, string? perZone, string? size, HttpContext http, WaveStore store, SampleImport import, DurableTaskClient client, IOptions<WaveOptions> options, CancellationToken ct) =>
        DrawSampleFromAsync(id, seed, perZone, size, http, http.Request.Body, store, import, client, options, ct);

    /// <summary>The same, for the extract in <paramref name="body"/> (the request's body, or a file of a console form).</summary>
    internal static async Task<IResult> DrawSampleFromAsync(
        string id, string? seed, string? perZone, string? size, HttpContext http, Stream body, WaveStore store, SampleImport import, DurableTaskClient client, IOptions<WaveOptions> options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        long? seedValue = seed is null ? null : long.TryParse(seed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : Fail("seed", "Give a whole number.", 0L);
        var perZoneValue = perZone is null ? 1400 : int.TryParse(perZone, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p is >= 1 and <= 1_000_000 ? p : Fail("perZone", "Give a whole number from 1 to 1,000,000.", 0);
        int? sizeValue = size is null ? null : int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 10_000_000 ? n : Fail("size", "Give a whole number from 1 to 10,000,000.", 0);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The draw's parameters are not valid");
        }

        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Draft || await client.GetInstanceAsync(id, ct) is not null)
        {
            return StartedConflict(id);
        }

        var drawSeed = seedValue ?? Random.Shared.NextInt64(1, 1L << 53);
        var spool = Path.GetTempFileName();
        try
        {
            return await ReadUploadAsync(http, body, "Extract", options.Value.MaxSampleBytes, async text =>
            {
                await using (var file = new StreamWriter(spool, false, new UTF8Encoding(false)))
                {
                    var buffer = new char[81920];
                    int read;
                    while ((read = await text.ReadAsync(buffer, ct)) > 0)
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), ct);
                    }
                }

                var draw = await SampleDraw.DrawAsync(wave.Definition, () => new StreamReader(spool, Encoding.UTF8), drawSeed, perZoneValue, sizeValue, ct);
                if (draw.ErrorCount > 0)
                {
                    return RowsRefused(
                        "The extract was refused",
                        $"{draw.ErrorCount} rows of the extract have errors; nothing was drawn. Correct them and send the whole extract again.",
                        draw.Errors);
                }

                // The drawn people go to the import as they were read: no file in between to lose fields in.
                var result = await import.ImportAsync(wave, draw.People, ct);
                if (!result.Ok)
                {
                    return RowsRefused(
                        "The drawn sample was refused",
                        $"{result.ErrorCount} drawn people could not be imported; the wave keeps its previous sample.",
                        result.Errors);
                }

                return await import.AttachAsync(wave, result, ct) is { } attached
                    ? TypedResults.Ok(new SampleDrawn(id, drawSeed, attached.SampleSize, result.Counts, draw.Strata))
                    : StartedConflict(id);
            });
        }
        finally
        {
            File.Delete(spool);
        }

        T Fail<T>(string field, string message, T value)
        {
            errors[field] = [message];
            return value;
        }
    }

    /// <summary>400 with the refused rows by line (at most <see cref="SampleImportResult.MaxReported"/>).</summary>
    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult RowsRefused(string title, string detail, IEnumerable<SampleError> errors) =>
        TypedResults.Problem(
            title: title,
            detail: detail,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { line = e.Line, reason = e.Reason }).ToList() });

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult StartedConflict(string id) =>
        TypedResults.Problem(title: "Wave already started", detail: $"The sample of wave '{id}' is fixed once the wave has started.", statusCode: StatusCodes.Status409Conflict);
}

internal sealed record SampleAccepted(string WaveId, int SampleSize, IReadOnlyDictionary<string, int> PerZoneAndLanguage);

/// <summary>A drawn sample: the seed that reproduces it, its size and groups, and the population and draw per stratum.</summary>
internal sealed record SampleDrawn(string WaveId, long Seed, int SampleSize, IReadOnlyDictionary<string, int> PerZoneAndLanguage, IReadOnlyList<Stratum> Strata);
