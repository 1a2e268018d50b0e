using System.Text;
using CsvHelper;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Survey;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Http;

internal static partial class WavesApi
{
    /// <summary>
    /// <c>POST /api/waves/{id}/paper-responses</c>: keyed-in paper questionnaires as CSV (see <see cref="PaperImport"/>).
    /// 200 with the import report; the whole file is refused (400) only when its header cannot be read.
    /// </summary>
    private static async Task<IResult> ImportPaperAsync(string id, HttpContext http, WaveStore store, PaperImport import, IOptions<WaveOptions> options, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Fieldwork)
        {
            return TypedResults.Problem(title: "Wave not in fieldwork", detail: $"Wave '{id}' is {wave.Phase}; paper forms are taken while it is in fieldwork.", statusCode: StatusCodes.Status409Conflict);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.Value.MaxSampleBytes;
        }

        var all = QuestionnaireCatalog.Find(wave.Definition.QuestionnaireVersion)!.WithLocalQuestions([.. wave.Definition.Zones.SelectMany(z => z.LocalQuestions)]);
        try
        {
            using var text = new StreamReader(http.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            await using var csv = CsvReader.Create(text, CsvFiles.ReaderOptions(), leaveOpen: true);
            var any = await csv.ReadAsync(ct);
            var header = csv.Headers?.Select(h => h.Trim().ToLowerInvariant()).ToList() ?? [];
            if (PaperImport.CheckHeader(header, all) is { } wrong)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["line 1"] = [wrong] }, title: "Paper forms not readable");
            }

            return TypedResults.Ok(any ? await import.ImportAsync(id, csv, header, ct) : new PaperReport(0, 0, []));
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(title: "File too large", detail: $"The file is larger than {options.Value.MaxSampleBytes} bytes (Waves:MaxSampleBytes).", statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (DecoderFallbackException)
        {
            return TypedResults.Problem(title: "Not UTF-8", detail: "The file must be UTF-8 text; save it as 'CSV UTF-8'.", statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
