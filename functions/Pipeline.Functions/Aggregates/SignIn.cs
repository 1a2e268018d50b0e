using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Pipeline.Functions.Http;
using Pipeline.Functions.Security;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// <c>/signin</c>: a browser gives its key once and gets an HttpOnly, Secure, SameSite=Strict session cookie (8 hours), so
/// no link of the dashboard ever carries the key. Wrong keys count against the client address like those of the API.
/// </summary>
internal static class SignIn
{
    private const int MaxBodyBytes = 4096;

    internal static IResult Show(string? @return) => Form(@return, null, StatusCodes.Status200OK);

    internal static async Task<IResult> PostAsync(HttpContext http, KeyRing keys, FailedKeys failures, CancellationToken ct)
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
        http.Items[AuditTrail.CallerItem] = found.Name;
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
    private static string Local(string? back) =>
        back is { Length: > 1 } && back[0] == '/' && back[1] is not ('/' or '\\') ? back : "/";

    internal static IResult Form(string? back, string? error, int status)
    {
        var body = new StringBuilder("<h1>Sign in</h1><form method=\"post\" action=\"/signin\">");
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
