using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Security;

/// <summary>
/// Admits a request whose key opens <paramref name="least"/>, as Azure Functions reads keys: the <c>x-functions-key</c>
/// header or the <c>code</c> query parameter, for API clients; and, for GET requests only, the session cookie a browser
/// got at <c>/signin</c>. No key: 401 (or, for pages, the sign-in form); an analyst's key on an operator's route:
/// 403; more than <see cref="OperatorOptions.FailedKeysPerMinute"/> wrong keys from one client address: 429.
/// </summary>
internal sealed class KeyFilter(Role least, bool signInPage = false) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var failures = http.RequestServices.GetRequiredService<FailedKeys>();
        var request = http.Request;
        if (failures.LockedOut(http, out var retry))
        {
            return RespondentLimits.TooMany(http, retry, "your address after repeated wrong keys");
        }

        var given = request.Headers[Header].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();
        var role = given is not null ? keys.RoleOf(given)
            : HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? keys.Read(request.Cookies[KeyRing.Cookie])
            : null;
        if (given is not null && role is null)
        {
            failures.Count(http);
        }

        if (role is null)
        {
            return signInPage && given is null
                ? Results.Redirect("/signin?return=" + Uri.EscapeDataString(request.Path + request.QueryString))
                : TypedResults.Problem(
                    title: "Key required",
                    detail: given is null
                        ? $"Send a key in the '{Header}' header or the 'code' query parameter, or sign in at /signin."
                        : "The key is not valid.",
                    statusCode: StatusCodes.Status401Unauthorized);
        }

        return role < least
            ? TypedResults.Problem(title: "Not for this key", detail: "An analyst's key opens the aggregates and the dashboard only.", statusCode: StatusCodes.Status403Forbidden)
            : await next(context);
    }
}

/// <summary>Counts wrong keys per client address (<see cref="ClientAddress"/>) in a one-minute window.</summary>
internal sealed class FailedKeys(IOptions<OperatorOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(client =>
        RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.Value.FailedKeysPerMinute,
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        }));

    /// <summary>True when the client used up its wrong keys; <paramref name="retryAfter"/> says for how long at most.</summary>
    public bool LockedOut(HttpContext http, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.FromMinutes(1);
        return _limiter.GetStatistics(ClientAddress.Of(http))?.CurrentAvailablePermits == 0;
    }

    public void Count(HttpContext http)
    {
        using var lease = _limiter.AttemptAcquire(ClientAddress.Of(http));
    }

    public void Dispose() => _limiter.Dispose();
}
