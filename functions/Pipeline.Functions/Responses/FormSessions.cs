using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

/// <summary>
/// The respondent's form session: after the token page, the token travels only in this cookie (HttpOnly, Secure,
/// SameSite=Strict, no expiry date: gone with the browser), sealed with its expiry under the server's seal key, so no
/// path or query a server receives (or the Functions host records) carries it. A session lasts <see cref="Length"/>
/// from its last page; a cookie that does not open, or has expired, is no session.
/// </summary>
internal sealed class FormSessions(IOptions<WaveOptions> options, TimeProvider time)
{
    public const string Cookie = "pipeline-form";

    /// <summary>How long a form stays open without a page being loaded or posted: 2 hours.</summary>
    public static readonly TimeSpan Length = TimeSpan.FromHours(2);

    // The associated data of a session, so no draft or waiting submission (sealed under the same key) opens as one.
    private const string Where = "form-session";

    private readonly Sealer _sealer = new((byte)options.Value.SealKeyVersion, options.Value.SealKey);

    /// <summary>Opens a session for <paramref name="token"/> (or renews it): the cookie on the response.</summary>
    public void Start(HttpContext http, string token)
    {
        var token8 = Encoding.UTF8.GetBytes(token);
        var plain = new byte[8 + token8.Length];
        BinaryPrimitives.WriteInt64BigEndian(plain, time.GetUtcNow().Add(Length).ToUnixTimeSeconds());
        token8.CopyTo(plain, 8);
        http.Response.Cookies.Append(Cookie, WebEncoders.Base64UrlEncode(_sealer.Seal(plain, Where, Cookie)), new CookieOptions
        {
            HttpOnly = true,
            Secure = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
    }

    /// <summary>The session's token; null when there is no cookie, or it was altered, sealed under another key, or expired.</summary>
    public string? Read(HttpContext http)
    {
        if (http.Request.Cookies[Cookie] is not { Length: > 0 and < 512 } cookie)
        {
            return null;
        }

        try
        {
            var plain = _sealer.Open(WebEncoders.Base64UrlDecode(cookie), Where, Cookie);
            return plain.Length > 8 && BinaryPrimitives.ReadInt64BigEndian(plain) > time.GetUtcNow().ToUnixTimeSeconds()
                ? Encoding.UTF8.GetString(plain, 8, plain.Length - 8)
                : null;
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    /// <summary>Ends the session (after the submit).</summary>
    public static void End(HttpContext http) =>
        http.Response.Cookies.Delete(Cookie, new CookieOptions { HttpOnly = true, Secure = true, SameSite = SameSiteMode.Strict, Path = "/" });
}
