using System.Globalization;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Http;

/// <summary>The per-client rate limit of the respondent pages and API, and the 429 every limit answers with.</summary>
internal static class RespondentLimits
{
    /// <summary>The filter: a client over <see cref="ResponseOptions.ClientPermitsPerMinute"/> gets 429.</summary>
    public static async ValueTask<object?> LimitAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return http.RequestServices.GetRequiredService<ClientLimiter>().TryAcquire(ClientAddress.Of(http)) is { } retry
            ? TooMany(http, retry, "your address")
            : await next(context);
    }

    /// <summary>Sets <c>Retry-After</c> in whole seconds (at least 1); returns them.</summary>
    public static int SetRetryAfter(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }

    /// <summary>429 ProblemDetails with <c>Retry-After</c>.</summary>
    public static IResult TooMany(HttpContext context, TimeSpan retryAfter, string who)
    {
        var seconds = SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(title: "Too many requests", detail: $"Too many requests from {who}; try again in {seconds} s.", statusCode: StatusCodes.Status429TooManyRequests);
    }
}

/// <summary>Permits per client address (<see cref="ClientAddress"/>) and minute on the respondent pages and API.</summary>
internal sealed class ClientLimiter(IOptions<ResponseOptions> options) : PerKeyLimiter(() => options.Value.ClientPermitsPerMinute);
