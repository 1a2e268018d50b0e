using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Waves;

internal static partial class WavesApi
{
    /// <summary>
    /// <c>PUT /api/waves/{id}/uploads/{upload}/chunks/{chunk}</c>: one chunk of a large file (raw bytes, at most
    /// <c>Waves:MaxChunkBytes</c>); the operator names the upload (8-64 lower-case letters, digits or dashes, e.g. a GUID)
    /// and numbers the chunks from 0. Sending a chunk again replaces it.
    /// </summary>
    internal static async Task<Results<NoContent, ProblemHttpResult, ValidationProblem>> PutChunkAsync(
        string id, string upload, string chunk, HttpRequest request, WaveStore store, Imports imports, IOptions<WaveOptions> options, CancellationToken ct)
    {
        if (UploadProblem(upload, chunk, out var number) is { } invalid)
        {
            return invalid;
        }

        if (await store.GetAsync(id, ct) is null)
        {
            return WaveNotFound(id);
        }

        var bytes = await JsonBody.ReadCappedAsync(request, options.Value.MaxChunkBytes, ct);
        if (bytes is null)
        {
            return TypedResults.Problem(title: "Chunk too large", detail: $"A chunk may have at most {options.Value.MaxChunkBytes} bytes (Waves:MaxChunkBytes); send the file in more chunks.", statusCode: StatusCodes.Status413PayloadTooLarge);
        }

        if (bytes.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["A chunk has at least one byte."] }, title: "Empty chunk");
        }

        await imports.PutChunkAsync(id, upload, number, bytes, ct);
        return TypedResults.NoContent();
    }

    /// <summary>
    /// <c>POST /api/waves/{id}/uploads/{upload}/import?kind=sample|draw|paper&amp;chunks=N</c> (a draw also takes
    /// <c>seed</c>, <c>perZone</c>, <c>size</c>): 202 with <c>Location</c> of the import's state; chunks 0..N-1 must all be there.
    /// </summary>
    internal static async Task<IResult> StartImportAsync(
        string id, string upload, string? kind, string? chunks, HttpRequest request, WaveStore store, Imports imports, IOptions<WaveOptions> options, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!Enum.TryParse<ImportKind>(kind, ignoreCase: true, out var what) || !Enum.IsDefined(what) || kind!.Any(char.IsDigit))
        {
            errors["kind"] = ["Give sample, draw or paper."];
        }

        if (!int.TryParse(chunks, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 1 or > Imports.MaxChunks)
        {
            errors["chunks"] = [$"Give the number of chunks sent, from 1 to {Imports.MaxChunks}."];
        }

        if (UploadProblem(upload, "0", out _) is not null)
        {
            errors["upload"] = ["An upload is named by 8 to 64 lower-case letters, digits or dashes."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The import is not valid");
        }

        if (await store.GetAsync(id, ct) is null)
        {
            return WaveNotFound(id);
        }

        if (await imports.GetAsync(id, upload, ct) is { } existing)
        {
            return existing.Kind == what
                ? TypedResults.Accepted(ImportLocation(id, upload), existing)
                : TypedResults.Problem(title: "Upload already imported", detail: $"Upload '{upload}' is already imported as {existing.Kind}; send the file under a new upload name.", statusCode: StatusCodes.Status409Conflict);
        }

        var sent = (await imports.ChunksAsync(id, upload, ct)).ToHashSet();
        var missing = Enumerable.Range(0, count).Where(n => !sent.Contains(n)).Take(20).ToList();
        if (missing.Count > 0 || sent.Any(n => n >= count))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["chunks"] = [missing.Count > 0 ? $"Chunks {string.Join(", ", missing)} are missing." : $"More than {count} chunks were sent; say how many make the file."] },
                title: "The upload is not complete");
        }

        var query = QueryString.Create(request.Query.Where(q => q.Key is "seed" or "perZone" or "size"));
        var status = await imports.StartAsync(id, upload, what, count, query.ToString(), ct);
        return TypedResults.Accepted(ImportLocation(id, upload), status);
    }

    /// <summary><c>GET /api/waves/{id}/imports/{upload}</c>: the import's state, and once done, the answer its endpoint would have given.</summary>
    internal static async Task<Results<Ok<ImportStatus>, ProblemHttpResult>> GetImportAsync(string id, string upload, Imports imports, CancellationToken ct) =>
        UploadProblem(upload, "0", out _) is null && await imports.GetAsync(id, upload, ct) is { } status
            ? TypedResults.Ok(status)
            : TypedResults.Problem(title: "No such import", detail: $"Wave '{id}' has no import '{upload}'.", statusCode: StatusCodes.Status404NotFound);

    private static string ImportLocation(string id, string upload) => $"/api/waves/{Uri.EscapeDataString(id)}/imports/{upload}";

    private static ValidationProblem? UploadProblem(string upload, string chunk, out int number)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!UploadName().IsMatch(upload))
        {
            errors["upload"] = ["An upload is named by 8 to 64 lower-case letters, digits or dashes."];
        }

        if (!int.TryParse(chunk, NumberStyles.None, CultureInfo.InvariantCulture, out number) || number >= Imports.MaxChunks)
        {
            errors["chunk"] = [$"Chunks are numbered from 0 to {Imports.MaxChunks - 1}."];
        }

        return errors.Count > 0 ? TypedResults.ValidationProblem(errors, title: "The chunk is not valid") : null;
    }

    [GeneratedRegex("^[a-z0-9-]{8,64}$")]
    private static partial Regex UploadName();
}
