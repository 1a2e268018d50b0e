using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Http;

internal static class JsonBody
{
    /// <summary>Reads a JSON body; a missing or malformed body gives the ProblemDetails that says where it broke.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken, int? maxBytes = null)
        where T : class
    {
        if (request.ContentLength is 0)
        {
            return (null, TypedResults.Problem(title: "Body required", detail: "Send the request body as JSON.", statusCode: StatusCodes.Status400BadRequest));
        }

        if (!request.HasJsonContentType())
        {
            return (null, TypedResults.Problem(title: "JSON required", detail: $"Send the body with Content-Type application/json, not '{request.ContentType}'.", statusCode: StatusCodes.Status415UnsupportedMediaType));
        }

        byte[]? capped = null;
        if (maxBytes is { } max && (capped = await ReadCappedAsync(request, max, cancellationToken)) is null)
        {
            return (null, TooLarge(max));
        }

        if (maxBytes is null)
        {
            try
            {
                var read = await request.ReadFromJsonAsync<T>(cancellationToken);
                return read is null ? (null, JsonNull()) : (read, null);
            }
            catch (JsonException e)
            {
                return (null, Malformed(e));
            }
        }

        return Parse<T>(capped!, request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
    }

    /// <summary>A JSON value read from <paramref name="utf8"/>, or the problem (400) that says where it is malformed.</summary>
    public static (T? Value, IResult? Problem) Parse<T>(ReadOnlySpan<byte> utf8, JsonSerializerOptions options)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(utf8, options) is { } value ? (value, null) : (null, JsonNull());
        }
        catch (JsonException e)
        {
            return (null, Malformed(e));
        }
    }

    private static ProblemHttpResult JsonNull() => TypedResults.Problem(title: "Body required", detail: "The body is JSON null.", statusCode: StatusCodes.Status400BadRequest);

    private static ValidationProblem Malformed(JsonException e)
    {
        var where = e.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
        var line = e.LineNumber is { } n ? $" (line {n + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
        return TypedResults.ValidationProblem(
            new Dictionary<string, string[]> { [e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body"] = [$"The body is not valid JSON for this request{where}{line}."] },
            title: "Malformed JSON");
    }

    /// <summary>The 413 for a body over <paramref name="max"/> bytes.</summary>
    public static IResult TooLarge(int max) =>
        TypedResults.Problem(title: "Body too large", detail: $"The body may have at most {max:N0} bytes.", statusCode: StatusCodes.Status413PayloadTooLarge);

    /// <summary>The whole body, or null when it has more than <paramref name="max"/> bytes (read no further than that).</summary>
    public static async Task<byte[]?> ReadCappedAsync(HttpRequest request, int max, CancellationToken cancellationToken)
    {
        if (request.ContentLength > max)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }
}
