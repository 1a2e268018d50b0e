using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Http;

/// <summary>The per-client rate limit of the respondent pages and API, and the 429 both limits answer with.</summary>
internal static class RespondentLimits
{
    public const string Policy = "respondents";

    public static IServiceCollection AddRespondentLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(Policy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<ResponseOptions>>().Value;
                return RateLimitPartition.GetFixedWindowLimiter(ClientAddress.Of(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.ClientPermitsPerMinute,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
            o.OnRejected = async (context, ct) =>
            {
                var retry = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                await TooMany(context.HttpContext, retry, "your address").ExecuteAsync(context.HttpContext);
            };
        });
        return services;
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
