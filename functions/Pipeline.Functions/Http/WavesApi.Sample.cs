using Microsoft.Extensions.Options;
using Pipeline.Durable.Client;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Http;

internal static partial class WavesApi
{
    /// <summary>
    /// Streams the sample file into a staged upload, then points the wave at it. Refused rows reject the whole
    /// file with a report (at most 100 errors with line numbers); the wave keeps its previous sample.
    /// </summary>
    private static async Task<IResult> UploadSampleAsync(
        string id, HttpContext http, WaveStore store, SampleImport import, DurableTaskClient client, IOptions<WaveOptions> options, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Draft || await client.GetInstanceAsync(id, cancellationToken: ct) is not null)
        {
            return StartedConflict(id);
        }

        return await ReadUploadAsync(http, "Sample", options.Value.MaxSampleBytes, async text =>
        {
            var result = await import.ImportAsync(wave, text, ct);
            if (!result.Ok)
            {
                return TypedResults.Problem(
                    title: "The sample was refused",
                    detail: $"{result.ErrorCount}{(result.ErrorCount >= SampleImportResult.MaxReported ? " or more" : string.Empty)} rows have errors; nothing was imported. Correct them and upload the whole file again.",
                    statusCode: StatusCodes.Status400BadRequest,
                    extensions: new Dictionary<string, object?> { ["errors"] = result.Errors.Select(e => new { line = e.Line, reason = e.Reason }).ToList() });
            }

            return await import.AttachAsync(wave, result, ct) is { } attached
                ? TypedResults.Ok(new SampleAccepted(id, attached.SampleSize, result.Counts))
                : StartedConflict(id);
        });
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult StartedConflict(string id) =>
        TypedResults.Problem(title: "Wave already started", detail: $"The sample of wave '{id}' is fixed once the wave has started.", statusCode: StatusCodes.Status409Conflict);
}

internal sealed record SampleAccepted(string WaveId, int SampleSize, IReadOnlyDictionary<string, int> PerZoneAndLanguage);
