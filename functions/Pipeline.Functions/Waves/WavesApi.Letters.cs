using System.Text.RegularExpressions;
using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

internal static partial class WavesApi
{
    internal static async Task<IResult> ListLettersAsync(string id, WaveStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null)
        {
            return WaveNotFound(id);
        }

        return TypedResults.Ok(await LetterFilesAsync(id, store, ct));
    }

    /// <summary>The letters' PDFs and manifests of wave <paramref name="id"/>, by kind, zone, language and batch.</summary>
    internal static async Task<List<LetterFile>> LetterFilesAsync(string id, WaveStore store, CancellationToken ct) =>
        await store.Blobs.ListAllAsync(WaveStore.LettersContainer, id + "/", ct)
            .Select(b => (Blob: b, Parts: b.Name.Split('/')))
            .Where(f => f.Parts.Length == 5)
            .Select(f => new LetterFile(f.Blob.Name[(id.Length + 1)..], f.Parts[1], f.Parts[2], f.Parts[3], Path.GetFileNameWithoutExtension(f.Parts[4]), Path.GetExtension(f.Parts[4]).TrimStart('.'), f.Blob.Length, $"/api/waves/{id}/letters/{f.Blob.Name[(id.Length + 1)..]}"))
            .ToListAsync(ct);

    [GeneratedRegex(@"^(invitation|reminder)/[a-z0-9-]{3,63}/(nl|fr|de|en)/\d{5}\.(pdf|csv)$")]
    private static partial Regex LetterName();

    internal static async Task<IResult> DownloadLetterAsync(string id, string name, WaveStore store, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null)
        {
            return WaveNotFound(id);
        }

        var type = Path.GetExtension(name) switch
        {
            ".pdf" => "application/pdf",
            ".csv" => "text/csv; charset=utf-8",
            _ => null,
        };
        if (type is null || !LetterName().IsMatch(name))
        {
            return TypedResults.Problem(title: "Not a letter file", detail: "Ask for a file listed by GET /api/waves/{id}/letters, such as invitation/{zone}/nl/00001.pdf.", statusCode: StatusCodes.Status400BadRequest);
        }

        try
        {
            var blob = await store.Blobs.GetAsync(WaveStore.LettersContainer, $"{id}/{name}", ct);
            return TypedResults.Bytes(blob.Content.ToArray(), type, Path.GetFileName(name));
        }
        catch (NotFoundException)
        {
            return TypedResults.Problem(title: "Letter file not found", detail: $"Wave '{id}' has no file '{name}'.", statusCode: StatusCodes.Status404NotFound);
        }
    }
}

internal sealed record LetterFile(string Name, string Kind, string Zone, string Language, string Batch, string Type, long Length, string Url);
