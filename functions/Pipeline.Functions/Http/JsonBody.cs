using System.Text.Json;

namespace Pipeline.Functions.Http;

internal static class JsonBody
{
    /// <summary>Reads a JSON body; a missing or malformed body gives the ProblemDetails that says where it broke.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
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

        try
        {
            var value = await request.ReadFromJsonAsync<T>(cancellationToken);
            return value is null
                ? (null, TypedResults.Problem(title: "Body required", detail: "The body is JSON null.", statusCode: StatusCodes.Status400BadRequest))
                : (value, null);
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } path ? $" at {path}" : string.Empty;
            var line = e.LineNumber is { } n ? $" (line {n + 1}, byte {e.BytePositionInLine + 1})" : string.Empty;
            return (null, TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { [e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : "body"] = [$"The body is not valid JSON for this request{where}{line}."] },
                title: "Malformed JSON"));
        }
    }
}
