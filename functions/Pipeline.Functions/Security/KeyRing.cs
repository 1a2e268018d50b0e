using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Security;

/// <summary>
/// Tells what a key opens, and signs and reads the browser's session cookie. The cookie holds the role, an expiry
/// and a fingerprint of the key that signed in (never the key itself), under an HMAC keyed from that same key: so no
/// other secret is needed, every instance of the app reads the cookie, and a key taken out of the configuration ends
/// its sessions.
/// </summary>
internal sealed class KeyRing(IOptions<OperatorOptions> operators, IOptions<AnalystOptions> analysts, TimeProvider time)
{
    public const string Cookie = "pipeline-session";

    /// <summary>How long a sign-in lasts. 8 hours: a working day.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    /// <summary>The role of <paramref name="given"/>, compared in constant time with every key; null when it is none.</summary>
    public Role? RoleOf(string given)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        Role? found = null;
        foreach (var (key, role) in Keys())
        {
            if (CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), digest))
            {
                found = role;
            }
        }

        return found;
    }

    /// <summary>
    /// Who uses <paramref name="key"/>, as the audit trail names them: the role and the start of the key's fingerprint (an
    /// HMAC of the key, never the key), the same for a key and for a session signed in with it.
    /// </summary>
    public static string Caller(string key, Role role) => $"{role.ToString().ToLowerInvariant()} key {Fingerprint(key)[..8]}";

    /// <summary>Who holds the session <paramref name="cookie"/> (<see cref="Caller(string, Role)"/>), or null for no valid session.</summary>
    public string? CallerOf(string? cookie) => Session(cookie) is { } session ? Caller(session.Key, session.Role) : null;

    /// <summary>The cookie value of a session signed in with <paramref name="key"/>.</summary>
    public string Issue(string key, Role role)
    {
        var payload = string.Create(CultureInfo.InvariantCulture, $"{role}|{(time.GetUtcNow() + SessionLength).ToUnixTimeSeconds()}|{Fingerprint(key)}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + Base64Url.EncodeToString(Mac(key, Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>The role of a session cookie, or null when it is forged, expired or its key was taken out.</summary>
    public Role? Read(string? cookie) => Session(cookie)?.Role;

    /// <summary>
    /// The anti-forgery token of the session <paramref name="cookie"/>, for the forms of its pages: an HMAC of the cookie
    /// under the session's key, so only a page of this session can carry it (the cookie is HttpOnly). Null for no session.
    /// </summary>
    public string? FormToken(string? cookie) =>
        Session(cookie) is { } session ? Base64Url.EncodeToString(FormMac(session.Key, cookie!)) : null;

    /// <summary>True when <paramref name="token"/> is the anti-forgery token of the valid session <paramref name="cookie"/>.</summary>
    public bool FormTokenMatches(string? cookie, string? token)
    {
        if (token is null || Session(cookie) is not { } session)
        {
            return false;
        }

        try
        {
            return CryptographicOperations.FixedTimeEquals(FormMac(session.Key, cookie!), Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private (string Key, Role Role)? Session(string? cookie)
    {
        var parts = cookie?.Split('.');
        if (parts is not { Length: 2 })
        {
            return null;
        }

        byte[] payload, mac;
        try
        {
            (payload, mac) = (Base64Url.DecodeFromChars(parts[0]), Base64Url.DecodeFromChars(parts[1]));
        }
        catch (FormatException)
        {
            return null;
        }

        var fields = Encoding.UTF8.GetString(payload).Split('|');
        if (fields.Length != 3
            || !Enum.TryParse<Role>(fields[0], out var role)
            || !long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || time.GetUtcNow().ToUnixTimeSeconds() >= expires)
        {
            return null;
        }

        foreach (var (key, keyRole) in Keys())
        {
            if (keyRole == role && Fingerprint(key) == fields[2] && CryptographicOperations.FixedTimeEquals(Mac(key, payload), mac))
            {
                return (key, role);
            }
        }

        return null;
    }

    private static byte[] FormMac(string key, string cookie) => HMACSHA256.HashData(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "forms/v1"u8), Encoding.UTF8.GetBytes(cookie));

    private static byte[] Mac(string key, byte[] payload) => HMACSHA256.HashData(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "sessions/v1"u8), payload);

    private IEnumerable<(string Key, Role Role)> Keys() =>
        analysts.Value.Keys.Select(k => (k, Role.Analyst)).Concat(operators.Value.Keys.Select(k => (k, Role.Operator)));

    private static string Fingerprint(string key) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), "sessions/fingerprint/v1"u8))[..16];
}
