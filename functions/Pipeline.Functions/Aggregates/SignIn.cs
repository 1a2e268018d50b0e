using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Pipeline.Functions.Http;
using Pipeline.Functions.Security;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// <c>/signin</c>: a browser gives its key once and gets an HttpOnly, Secure, SameSite=Strict session cookie (8 hours), so
/// no link of the dashboard ever carries the key. Wrong keys count against the client address like those of the API.
/// Behind App Service Authentication (<see cref="PlatformPrincipals.Trusted"/>), pages send a visitor without a session
/// straight to the platform's sign-in, and this page offers Microsoft Entra ID above the key form (for key holders):
/// <c>/signin/entra</c> sends the browser to the platform's sign-in and, back from it, records the sign-in (or the refusal
/// of an account without an app role) in the audit trail; an anonymous visit there is not recorded.
/// </summary>
internal static class SignIn
{
    private const int MaxBodyBytes = 4096;

    internal static IResult Show(string? @return, PlatformPrincipals principals) => Form(@return, null, StatusCodes.Status200OK, principals.Trusted);

    /// <summary>GET <c>/signin/entra</c>: to the platform's sign-in, and back from it, to the page the user asked for.</summary>
    internal static async Task<IResult> PlatformAsync(HttpContext http, string? @return, PlatformPrincipals principals, RoleChanges roles)
    {
        if (!principals.Trusted)
        {
            AuditTrail.Skip(http);
            return Form(@return, "Sign-in with Microsoft Entra ID is not on for this app: sign in with your key.", StatusCodes.Status404NotFound);
        }

        if (principals.Read(http.Request) is not { } user)
        {
            AuditTrail.Skip(http);
            return Results.Redirect(PlatformPrincipals.SignInUrl(Local(@return)));
        }

        http.Items[AuditTrail.CallerItem] = user.Who;
        if (user.Entry is null)
        {
            return Form(@return, "You are signed in, but your account has no app role of this app. Ask its owner to assign you one.", StatusCodes.Status403Forbidden);
        }

        await SignedInAsync(http, user.Entry, roles);
        return Results.Redirect(Local(@return));
    }

    /// <summary>Names who signed in and with what role and scope in the sign-in's audit entry, and notes a new or changed role.</summary>
    private static async Task SignedInAsync(HttpContext http, KeyEntry key, RoleChanges roles)
    {
        http.Items[AuditTrail.CallerItem] = key.Name;
        AuditTrail.Note(http, RoleChanges.Describe(key));
        await roles.NoteAsync(key, CancellationToken.None);
    }

    internal static async Task<IResult> PostAsync(HttpContext http, KeyRing keys, FailedKeys failures, RoleChanges roles, CancellationToken ct)
    {
        if (failures.LockedOut(http, out var retry))
        {
            TooManyRequests.SetRetryAfter(http, retry);
            return Form(null, "Too many wrong keys from your address; try again in a minute.", StatusCodes.Status429TooManyRequests);
        }

        var form = await JsonBody.ReadCappedAsync(http.Request, MaxBodyBytes, ct) is { } bytes ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes)) : null;
        var back = form?.GetValueOrDefault("return").FirstOrDefault();
        if (form?.GetValueOrDefault("key").FirstOrDefault() is not { Length: > 0 } key)
        {
            return Form(back, "Enter your key.", StatusCodes.Status400BadRequest);
        }

        if (failures.Find(http, key) is not { } found)
        {
            return Form(back, "The key is not valid.", StatusCodes.Status401Unauthorized);
        }

        var role = found.Role;
        await SignedInAsync(http, found, roles);
        http.Response.Cookies.Append(KeyRing.Cookie, keys.Issue(key, role), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            MaxAge = KeyRing.SessionLength,
        });
        return Results.Redirect(Local(back));
    }

    /// <summary>Only a path on this site: never another host (<c>//evil.example</c>), so the form is no open redirect.</summary>
    /// (as ASP.NET Core's <c>IsLocalUrl</c>, no control character either: a browser drops a tab, so "/\t/evil.example" would
    /// become "//evil.example", and a line break cannot go in a header at all).
    private static string Local(string? back) =>
        back is { Length: > 1 } && back[0] == '/' && back[1] is not ('/' or '\\') && back.All(c => c is > ' ' and < '\x7f') ? back : "/";

    internal static IResult Form(string? back, string? error, int status, bool platform = false)
    {
        var body = new StringBuilder("<h1>Sign in</h1>");
        if (platform)
        {
            body.Append("<p><a class=\"button\" href=\"/signin/entra?return=").Append(Encode(Uri.EscapeDataString(Local(back)))).Append("\">Sign in with your organisation's account (Microsoft Entra ID)</a></p>")
                .Append("<h2>Or with a key</h2>");
        }

        body.Append("<form method=\"post\" action=\"/signin\">");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"key-error\" role=\"alert\">").Append(Encode(error)).Append("</p>");
        }

        body.Append("<input type=\"hidden\" name=\"return\" value=\"").Append(Encode(Local(back))).Append("\">")
            .Append("<p><label for=\"key\">Your analyst's or operator's key</label>")
            .Append("<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" required")
            .Append(error is null ? string.Empty : " aria-invalid=\"true\" aria-describedby=\"key-error\"").Append("></p>")
            .Append("<p><button type=\"submit\">Sign in</button></p></form>");
        return PageHtml.Html("en", "Sign in", body.ToString(), _ => null, status);
    }
}
