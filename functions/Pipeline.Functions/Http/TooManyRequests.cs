using System.Globalization;

namespace Pipeline.Functions.Http;

/// <summary>The 429 every limit answers with: ProblemDetails, and <c>Retry-After</c> in whole seconds.</summary>
internal static class TooManyRequests
{
    /// <summary>Sets <c>Retry-After</c> in whole seconds (at least 1); returns them.</summary>
    public static int SetRetryAfter(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>429 ProblemDetails with <c>Retry-After</c>.</summary>
    public static IResult Answer(HttpContext context, TimeSpan retryAfter, string who)
    {
        var seconds = SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(title: "Too many requests", detail: $"Too many requests from {who}; try again in {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests);
    }
}
