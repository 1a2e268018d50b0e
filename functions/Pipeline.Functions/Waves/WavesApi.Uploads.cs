using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Waves;

internal static partial class WavesApi
{
    /// <summary>
    /// Streams an uploaded file (a sample, keyed-in paper forms: the request's <paramref name="body"/>, or a file of a
    /// console form) as strict UTF-8 to <paramref name="read"/>: 413
    /// when it is larger than <paramref name="maxBytes"/> (in one request, also than the Functions host's body limit),
    /// 400 when it is not UTF-8.
    /// </summary>
    internal static async Task<IResult> ReadUploadAsync(HttpContext http, Stream body, string what, long maxBytes, Func<TextReader, Task<IResult>> read)
    {
        var inChunks = http.Items.ContainsKey(Imports.JobItem);
        maxBytes = inChunks ? maxBytes : Math.Min(maxBytes, WaveOptions.HostMaxRequestBodyBytes);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        try
        {
            using var text = new StreamReader(new CappedStream(body, maxBytes), new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true);
            return await read(text);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(
                title: $"{what} too large",
                detail: inChunks || maxBytes < WaveOptions.HostMaxRequestBodyBytes
                    ? $"The file is larger than {maxBytes} bytes (Waves:MaxSampleBytes)."
                    : $"The file is larger than {maxBytes} bytes, the most one request may carry: send it in chunks (PUT /api/waves/{{id}}/uploads/{{upload}}/chunks/{{n}}, then POST .../import).",
                statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        catch (DecoderFallbackException)
        {
            return TypedResults.Problem(title: "Not UTF-8", detail: "The file must be UTF-8 text; save it as 'CSV UTF-8'.", statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
