using CsvHelper;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;
using Pipeline.Survey;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>The operators' paper channel over HTTP: keyed-in questionnaires as CSV.</summary>
internal static class PaperApi
{
    /// <summary>
    /// <c>GET /api/waves/{id}/paper-questionnaire/{language}?zone=</c>: a blank paper questionnaire of the wave, as the mail
    /// house prints it (A4 PDF): the wave's questionnaire with the zone's local module (the first zone's when none is
    /// named), a box for the code on every page. 404 for a wave, language or zone the wave does not have.
    /// </summary>
    internal static async Task<IResult> BlankQuestionnaireAsync(string id, string language, string? zone, WaveStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WavesApi.WaveNotFound(id);
        }

        var definition = wave.Definition;
        if (!definition.Languages.Contains(language))
        {
            return TypedResults.Problem(title: "Language not in the wave", detail: $"Wave '{id}' is in {string.Join(", ", definition.Languages)}, not '{language}'.", statusCode: StatusCodes.Status404NotFound);
        }

        var zoneId = zone ?? definition.Zones[0].Id;
        if (definition.Zones.All(z => z.Id != zoneId) || definition.QuestionnaireFor(zoneId) is not { } questionnaire)
        {
            return TypedResults.Problem(title: "Zone not in the wave", detail: $"Wave '{id}' has no zone '{zoneId}'.", statusCode: StatusCodes.Status404NotFound);
        }

        using var pdf = new MemoryStream();
        QuestionnairePrinter.Render(questionnaire, language, definition.Title, code: null, pdf);
        return TypedResults.File(pdf.ToArray(), "application/pdf", $"{id}-{zoneId}-{language}.pdf");
    }

    /// <summary>
    /// <c>POST /api/waves/{id}/paper-responses</c>: keyed-in paper questionnaires as CSV (see <see cref="PaperImport"/>).
    /// 200 with the import report; the whole file is refused (400) only when its header cannot be read.
    /// </summary>
    internal static Task<IResult> ImportPaperAsync(string id, HttpContext http, WaveStore store, PaperImport import, IOptions<WaveOptions> options, TimeProvider time, CancellationToken ct) =>
        ImportPaperFromAsync(id, http, http.Request.Body, store, import, options, time, ct);

    /// <summary>The same, for the keyed file in <paramref name="body"/> (the request's body, or a file of a console form).</summary>
    internal static async Task<IResult> ImportPaperFromAsync(string id, HttpContext http, Stream body, WaveStore store, PaperImport import, IOptions<WaveOptions> options, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WavesApi.WaveNotFound(id);
        }

        if (!wave.TakesPaper(time.GetUtcNow()))
        {
            return TypedResults.Problem(title: "Wave takes no paper forms", detail: $"Wave '{id}' is {wave.Phase}; paper forms are taken in fieldwork and until paperCutoffDays ({wave.Definition.PaperCutoffDays}) after the close.", statusCode: StatusCodes.Status409Conflict);
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
