using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Security;

/// <summary>
/// A key the app knows: its name (as the audit trail says who), the SHA-256 of the key, its role and its scope; or a user
/// signed in by the platform (<see cref="Person"/>: the name is one person's, so the keying screen need not ask it).
/// </summary>
internal sealed record KeyEntry(string Name, byte[] Digest, Role Role, AccessScope Scope, bool Person = false);

/// <summary>
/// Tells what a key opens, and signs and reads the browser's session cookie. The cookie holds the role, an expiry
/// and a fingerprint of the key that signed in (never the key itself), under an HMAC keyed from that key's SHA-256 (all
/// the app knows of a named key): so no other secret is needed, every instance of the app reads the cookie, and a key
/// taken out of the configuration ends its sessions.
/// </summary>
internal sealed class KeyRing(IOptions<OperatorOptions> operators, IOptions<AnalystOptions> analysts, IOptions<AccessOptions> access, TimeProvider time)
{
    public const string Cookie = "pipeline-session";

    /// <summary>How long a sign-in lasts. 8 hours: a working day.</summary>
    public static readonly TimeSpan SessionLength = TimeSpan.FromHours(8);

    /// <summary>Every key configured: its name (an unnamed key's role and fingerprint), role and scope; never a key or hash shown.</summary>

    /// <summary>The key <paramref name="given"/> is, compared in constant time with every key; null when it is none.</summary>
    public KeyEntry? Find(string given)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(given));
        KeyEntry? found = null;
        foreach (var entry in Configured())
        {
            if (CryptographicOperations.FixedTimeEquals(entry.Digest, digest))
            {
                found = entry;
            }
        }

        return found;
    }

    /// <summary>
    /// Who uses an unnamed key (of <c>Operator:Keys</c> or <c>Analyst:Keys</c>), as the audit trail names them: the role and the
    /// start of the key's fingerprint (never the key); a named key is its name.
    /// </summary>
    public static string Caller(string key, Role role) => Unnamed(SHA256.HashData(Encoding.UTF8.GetBytes(key)), role);

    /// <summary>The cookie value of a session signed in with <paramref name="key"/>.</summary>
    public string Issue(string key, Role role)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        var payload = string.Create(CultureInfo.InvariantCulture, $"{role}|{(time.GetUtcNow() + SessionLength).ToUnixTimeSeconds()}|{Fingerprint(digest)}");
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload)) + "." + Base64Url.EncodeToString(Mac(digest, Encoding.UTF8.GetBytes(payload)));
    }

    /// <summary>The role of a session cookie, or null when it is forged, expired or its key was taken out.</summary>
    public Role? Read(string? cookie) => SessionOf(cookie)?.Role;

    /// <summary>
    /// The anti-forgery token of the session <paramref name="cookie"/>, for the forms of its pages: an HMAC of the cookie
    /// under the session's key, so only a page of this session can carry it (the cookie is HttpOnly). Null for no session.
    /// </summary>
    public string? FormToken(string? cookie) =>
        SessionOf(cookie) is { } session ? Base64Url.EncodeToString(FormMac(session.Digest, cookie!)) : null;

    /// <summary>The session of <paramref name="cookie"/>: the key that signed in, or null for a forged, expired or withdrawn one.</summary>
    public KeyEntry? SessionOf(string? cookie)
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

        foreach (var entry in Configured())
        {
            if (entry.Role == role && Fingerprint(entry.Digest) == fields[2] && CryptographicOperations.FixedTimeEquals(Mac(entry.Digest, payload), mac))
            {
                return entry;
            }
        }

        return null;
    }

    private static byte[] FormMac(byte[] digest, string cookie) => HMACSHA256.HashData(HMACSHA256.HashData(digest, "forms/v1"u8), Encoding.UTF8.GetBytes(cookie));

    private static byte[] Mac(byte[] digest, byte[] payload) => HMACSHA256.HashData(HMACSHA256.HashData(digest, "sessions/v1"u8), payload);

    /// <summary>Every key configured: its name (an unnamed key's role and fingerprint), role and scope; never a key or hash shown.</summary>
    public IEnumerable<KeyEntry> Configured() =>
        analysts.Value.Keys.Select(k => Unnamed(k, Role.Analyst))
            .Concat(operators.Value.Keys.Select(k => Unnamed(k, Role.Operator)))
            .Concat(access.Value.Keys.Select(k => new KeyEntry(
                k.Name,
                Convert.FromHexString(k.Hash),
                Enum.Parse<Role>(k.Role, ignoreCase: true),
                new AccessScope(Set(k.Zones, k.Municipalities.Count > 0), Set(k.Municipalities, k.Zones.Count > 0), Set(k.Waves, false)))));

    /// <summary>The set of <paramref name="values"/>; null (no limit) when there are none and <paramref name="limited"/> is false.</summary>
    private static HashSet<string>? Set(List<string> values, bool limited) =>
        values.Count > 0 || limited ? values.ToHashSet(StringComparer.Ordinal) : null;

    private static KeyEntry Unnamed(string key, Role role)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return new KeyEntry(Unnamed(digest, role), digest, role, AccessScope.All);
    }

    private static string Unnamed(byte[] digest, Role role) => $"{role.ToString().ToLowerInvariant()} key {Fingerprint(digest)[..8]}";

    private static string Fingerprint(byte[] digest) => Convert.ToHexStringLower(HMACSHA256.HashData(digest, "sessions/fingerprint/v1"u8))[..16];
}
