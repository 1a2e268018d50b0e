using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

/// <summary>The ProblemDetails for a token that may not answer; null for an open one.</summary>
internal static class TokenProblems
{
    public static ProblemHttpResult? For(TokenAccess access, bool usedIsProblem = true) => access.State switch
    {
        TokenState.Malformed => TypedResults.Problem(title: "Token not valid", detail: access.Hint, statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["field"] = "token" }),
        TokenState.Unknown => TypedResults.Problem(title: "Unknown token", detail: "No survey has this token. Check it against your letter.", statusCode: StatusCodes.Status404NotFound,
            extensions: new Dictionary<string, object?> { ["field"] = "token" }),
        TokenState.Busy => TypedResults.Problem(title: "Too many unknown codes", detail: "Too many unknown codes were tried on this service; try again in a minute.", statusCode: StatusCodes.Status429TooManyRequests),
        TokenState.Closed => TypedResults.Problem(title: "Survey closed", detail: "The survey this token belongs to is not open.", statusCode: StatusCodes.Status410Gone),
        TokenState.Used when usedIsProblem => TypedResults.Problem(title: "Already answered", detail: "A response was already stored for this token; each token answers once.", statusCode: StatusCodes.Status409Conflict),
        _ => null,
    };
}
