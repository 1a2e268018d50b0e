using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Responses;

/// <summary>The per-client rate limit of the respondent pages and API.</summary>
internal static class RespondentLimits
{
    /// <summary>The guard of the respondent pages and API.</summary>
    public static readonly IEndpointFilter Filter = Guard.Of(LimitAsync);

    /// <summary>The filter: a client over <see cref="ResponseOptions.ClientPermitsPerMinute"/> gets 429.</summary>
    public static async ValueTask<object?> LimitAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return http.RequestServices.GetRequiredService<ClientLimiter>().TryAcquire(ClientAddress.Of(http)) is { } retry
            ? TooManyRequests.Answer(http, retry, "your address")
            : await next(context);
    }
}

/// <summary>Permits per client address (<see cref="ClientAddress"/>) and minute on the respondent pages and API.</summary>
internal sealed class ClientLimiter(IOptions<ResponseOptions> options) : PerKeyLimiter(() => options.Value.ClientPermitsPerMinute);
