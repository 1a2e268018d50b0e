using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Security;

/// <summary>
/// Admits a request whose key opens <paramref name="least"/>, as Azure Functions reads keys: the <c>x-functions-key</c>
/// header or the <c>code</c> query parameter, for API clients; and, for GET requests only, the session cookie a browser
/// got at <c>/signin</c>. No key: 401 (or, for pages, the sign-in form; behind App Service Authentication, the platform's
/// sign-in); an analyst's key on an operator's route:
/// 403; more than <see cref="OperatorOptions.FailedKeysPerMinute"/> wrong keys from one client address: 429.
/// With <paramref name="sessionForms"/> (the console's pages), a session also carries a POST, but only a same-site form
/// POST (<c>Origin</c> and <c>Sec-Fetch-Site</c>, when the browser sends them, name this site) whose field
/// <see cref="FormTokenField"/> holds the session's anti-forgery token (<see cref="KeyRing.FormToken"/>): else 403.
/// On Azure, a user signed in by App Service Authentication (<see cref="PlatformPrincipals"/>) is admitted by their app
/// role, on the same terms: their browser's session opens pages and the console's forms, with a token of that session.
/// A limited key (<see cref="AccessScope"/>) is refused (403) a wave or an area outside its scope.
/// </summary>
internal sealed class KeyFilter(Role least, bool signInPage = false, bool sessionForms = false, bool list = false) : IEndpointFilter
{
    public const string Header = "x-functions-key";

    /// <summary>The form field of the anti-forgery token.</summary>
    public const string FormTokenField = "_token";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<KeyRing>();
        var failures = http.RequestServices.GetRequiredService<FailedKeys>();
        var request = http.Request;
        if (failures.LockedOut(http, out var retry))
        {
            return TooManyRequests.Answer(http, retry, "your address after repeated wrong keys");
        }

        var given = FailedKeys.Presented(request);
        var read = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method);
        var principals = http.RequestServices.GetRequiredService<PlatformPrincipals>();
        KeyEntry? key = null;
        string? formToken = null;
        if (given is not null)
        {
            key = failures.Find(http, given);
        }
        else if (principals.Read(request) is { } user)
        {
            // A user signed in by App Service Authentication: a browser's session carries forms of the console's pages
            // only (with their token), a client's bearer token (no session cookie) carries any request, as a key does.
            http.Items[AuditTrail.CallerItem] = user.Who;
            if (user.Entry is null)
            {
                return TypedResults.Problem(title: "No role here", detail: "You are signed in, but your account has no app role of this app. Ask its owner to assign you one.", statusCode: StatusCodes.Status403Forbidden);
            }

            (key, formToken) = !user.Browser ? (user.Entry, null) : read || sessionForms ? (user.Entry, user.FormToken) : (null, null);
        }
        else if ((read || sessionForms) && keys.SessionOf(request.Cookies[KeyRing.Cookie]) is { } session)
        {
            (key, formToken) = (session, keys.FormToken(request.Cookies[KeyRing.Cookie]));
        }

        if (formToken is not null)
        {
            http.Items[FormTokenItem] = formToken;
            if (!read && await FormRefusalAsync(http, formToken) is { } refusal)
            {
                return TypedResults.Problem(title: "Form refused", detail: refusal + " Open the page again and resend.", statusCode: StatusCodes.Status403Forbidden);
            }
        }

        if (key is not null)
        {
            http.Items[AuditTrail.CallerItem] = key.Name;
            http.Items[AccessScope.Item] = key.Scope;
            http.Items[EntryItem] = key;
            await http.RequestServices.GetRequiredService<RoleChanges>().NoteAsync(key, CancellationToken.None);
        }

        var role = key?.Role;
        if (role is null)
        {
            return signInPage && given is null
                ? Results.Redirect(principals.Trusted
                    ? PlatformPrincipals.SignInUrl(request.Path + request.QueryString)
                    : "/signin?return=" + Uri.EscapeDataString(request.Path + request.QueryString))
                : TypedResults.Problem(
                    title: "Key required",
                    detail: given is null
                        ? $"Send a key in the '{Header}' header or the 'code' query parameter, or sign in at /signin."
                        : "The key is not valid.",
                    statusCode: StatusCodes.Status401Unauthorized);
        }

        if (role < least)
        {
            return TypedResults.Problem(title: "Not for this key", detail: "An analyst's key opens the aggregates and the dashboard only.", statusCode: StatusCodes.Status403Forbidden);
        }

        if (WaveOutOfScope(request, key!.Scope) is { } wave)
        {
            return TypedResults.Problem(title: "Not in your waves", detail: $"Your key opens its own waves only, not {wave}.", statusCode: StatusCodes.Status403Forbidden);
        }

        return OutOfScope(request, key.Scope) is { } area
            ? TypedResults.Problem(title: "Not in your areas", detail: $"Your key sees its own areas and the wave as a whole, not {area}.", statusCode: StatusCodes.Status403Forbidden)
            : await next(context);
    }

    /// <summary>
    /// For a key limited to waves: the route's wave (<c>id</c>) outside them, or a route of every wave (creating one, the
    /// task hub's lists, operations), which only a list route (<c>list</c>, cut by its handler) is not.
    /// </summary>
    private string? WaveOutOfScope(HttpRequest request, AccessScope scope)
    {
        if (scope.Waves is null)
        {
            return null;
        }

        return request.RouteValues.GetValueOrDefault("id") is string id
            ? scope.AllowsWave(id) ? null : $"wave '{id}'"
            : list ? null : "a route of every wave";
    }

    /// <summary>
    /// The area a limited key asks for outside its scope, by the route's <c>zone</c> (a zone's page) or the query's
    /// <c>level</c> and <c>area</c> (an aggregate, as JSON or CSV); null when it asks for none outside. Lists are cut to the
    /// scope by their handlers (<see cref="AccessScope.Of"/>).
    /// </summary>
    private static string? OutOfScope(HttpRequest request, AccessScope scope)
    {
        if (!scope.Limited)
        {
            return null;
        }

        if (request.RouteValues.GetValueOrDefault("zone") is string zone && !scope.AllowsZone(zone))
        {
            return $"zone '{zone}'";
        }

        return request.Query["level"].FirstOrDefault() is { } level && request.Query["area"].FirstOrDefault() is { } area && !scope.Allows(level, area)
            ? $"{level} '{area}'"
            : null;
    }

    /// <summary>The request's item with the key or user it was admitted with.</summary>
    private const string EntryItem = "pipeline.key";

    /// <summary>The name of the one person the request was admitted for (a user signed in by the platform); null for a key.</summary>
    public static string? PersonOf(HttpContext http) => http.Items[EntryItem] is KeyEntry { Person: true } person ? person.Name : null;

    /// <summary>The anti-forgery token of the request's session, for the forms of its page (<see cref="FormTokenOf"/>).</summary>
    private const string FormTokenItem = "pipeline.form-token";

    /// <summary>The anti-forgery token of the session a page was admitted with (empty without one: an API client's key).</summary>
    public static string FormTokenOf(HttpContext http) => http.Items[FormTokenItem] as string ?? string.Empty;

    /// <summary>Why a POST on a session is no form of this site's pages in this session; null when it is one.</summary>
    private static async Task<string?> FormRefusalAsync(HttpContext http, string expected)
    {
        var request = http.Request;
        // The origin's host against the host the browser asked for (behind a proxy, its forwarded host). The pages' policy
        // is no-referrer, under which a browser sends "Origin: null" for their own forms: that says nothing, Sec-Fetch-Site
        // and the token decide.
        var host = (request.Headers["X-Forwarded-Host"].FirstOrDefault() ?? request.Host.Host).Split(':')[0];
        if (request.Headers.Origin.FirstOrDefault() is { } origin && origin != "null" && !(Uri.TryCreate(origin, UriKind.Absolute, out var from) && string.Equals(from.Host, host, StringComparison.OrdinalIgnoreCase))
            || request.Headers["Sec-Fetch-Site"].FirstOrDefault() is { } site && site is not ("same-origin" or "none"))
        {
            return "This form was sent from another site.";
        }

        if (!request.HasFormContentType)
        {
            return "This is no form.";
        }

        var form = await request.ReadFormAsync(http.RequestAborted);
        return form[FormTokenField].FirstOrDefault() is { } token
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), Encoding.UTF8.GetBytes(expected))
            ? null
            : "This form carries no or a wrong anti-forgery token of your session.";
    }
}

/// <summary>
/// Reads the key an API client presents and tells its role, counting wrong keys per client address
/// (<see cref="ClientAddress"/>) in a one-minute window of <see cref="OperatorOptions.FailedKeysPerMinute"/>.
/// </summary>
internal sealed class FailedKeys(KeyRing keys, IOptions<OperatorOptions> options) : PerKeyLimiter(() => options.Value.FailedKeysPerMinute)
{
    /// <summary>The key of the <c>x-functions-key</c> header or the <c>code</c> query parameter, as Functions reads them.</summary>
    public static string? Presented(HttpRequest request) => request.Headers[KeyFilter.Header].FirstOrDefault() ?? request.Query["code"].FirstOrDefault();

    /// <summary>True when the client used up its wrong keys; <paramref name="retryAfter"/> says for how long at most.</summary>
    public bool LockedOut(HttpContext http, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.FromMinutes(1);
        return Exhausted(ClientAddress.Of(http));
    }

    /// <summary>The key <paramref name="given"/> is; a key that opens nothing counts against the client.</summary>
    public KeyEntry? Find(HttpContext http, string given)
    {
        var key = keys.Find(given);
        if (key is null)
        {
            TryAcquire(ClientAddress.Of(http));
        }

        return key;
    }
}
