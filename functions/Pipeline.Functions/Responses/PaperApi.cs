using CsvHelper;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;
using Pipeline.Survey;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>The operators' paper channel over HTTP: keyed-in questionnaires as CSV.</summary>
internal static class PaperApi
{
    /// <summary>
    /// <c>POST /api/waves/{id}/paper-responses</c>: keyed-in paper questionnaires as CSV (see <see cref="PaperImport"/>).
    /// 200 with the import report; the whole file is refused (400) only when its header cannot be read.
    /// </summary>
    internal static Task<IResult> ImportPaperAsync(string id, HttpContext http, WaveStore store, PaperImport import, IOptions<WaveOptions> options, CancellationToken ct) =>
        ImportPaperFromAsync(id, http, http.Request.Body, store, import, options, ct);

    /// <summary>The same, for the keyed file in <paramref name="body"/> (the request's body, or a file of a console form).</summary>
    internal static async Task<IResult> ImportPaperFromAsync(string id, HttpContext http, Stream body, WaveStore store, PaperImport import, IOptions<WaveOptions> options, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WavesApi.WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Fieldwork)
        {
            return TypedResults.Problem(title: "Wave not in fieldwork", detail: $"Wave '{id}' is {wave.Phase}; paper forms are taken while it is in fieldwork.", statusCode: StatusCodes.Status409Conflict);
        }

        var all = QuestionnaireCatalog.Find(wave.Definition.QuestionnaireVersion)!.WithLocalQuestions([.. wave.Definition.Zones.SelectMany(z => z.LocalQuestions)]);
        return await WavesApi.ReadUploadAsync(http, body, "Paper forms", options.Value.MaxSampleBytes, async text =>
        {
            await using var csv = CsvReader.Create(text, CsvFiles.ReaderOptions(), leaveOpen: true);
            var any = await csv.ReadAsync(ct);
            var header = csv.Headers?.Select(h => h.Trim().ToLowerInvariant()).ToList() ?? [];
            if (PaperImport.CheckHeader(header, all) is { } wrong)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["line 1"] = [wrong] }, title: "Paper forms not readable");
            }

            return TypedResults.Ok(any ? await import.ImportAsync(id, csv, header, ct) : new PaperReport(0, 0, []));
        });
    }
}
