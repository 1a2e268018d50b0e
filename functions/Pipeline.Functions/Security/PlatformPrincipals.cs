using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Pipeline.Functions.Security;

/// <summary>
/// The app roles of Microsoft Entra ID this app knows (their values, as <c>infra/entra-app-roles.json</c> defines them), and
/// what each opens: an operator of every wave or of the waves of their groups, an analyst of everything or of the zones or
/// municipalities of their groups (<see cref="AccessOptions.Groups"/>).
/// </summary>
internal static class AppRoles
{
    public const string Operator = "Survey.Operator";
    public const string WaveOperator = "Survey.WaveOperator";
    public const string Analyst = "Survey.Analyst";
    public const string ZoneAnalyst = "Survey.ZoneAnalyst";
    public const string MunicipalityAnalyst = "Survey.MunicipalityAnalyst";

    public static readonly IReadOnlyList<string> All = [Operator, WaveOperator, Analyst, ZoneAnalyst, MunicipalityAnalyst];
}

/// <summary>A user signed in by App Service Authentication: who (for the audit trail), and the key they amount to, or why none.</summary>
/// <param name="Who">The user as the audit trail names them: their user name from the principal, with "(Entra ID)".</param>
/// <param name="Entry">The role and scope their app roles and groups give; null when they have no role of this app.</param>
/// <param name="Browser">Whether the principal came with App Service's session cookie (a browser), whose forms need a token.</param>
/// <param name="FormToken">The anti-forgery token of that session (an HMAC of its cookie), or null without one.</param>
internal sealed record PlatformUser(string Who, KeyEntry? Entry, bool Browser, string? FormToken);

/// <summary>
/// Reads the user App Service Authentication (Easy Auth) signed in, from the <c>X-MS-CLIENT-PRINCIPAL</c> header: a Base64
/// JSON object of <c>auth_typ</c>, <c>name_typ</c>, <c>role_typ</c> and <c>claims</c> (<c>typ</c>, <c>val</c>), as
/// https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities#decoding-the-client-principal-header
/// describes it. The header is trusted only when both say that the platform's authentication stands in front of the app:
/// the app's setting <c>Access:PlatformAuthentication</c> (set by <c>infra/</c> with the authentication settings), and
/// <c>WEBSITE_AUTH_ENABLED=True</c>, which App Service itself injects when its authentication is on (the same variable
/// Microsoft.Identity.Web's <c>AppServicesAuthenticationInformation</c> reads). Only then is the header known to come from
/// the platform: "External requests aren't allowed to set these headers, so they're present only if set by App Service"
/// (same page). Locally, and on a deployment without authentication, anyone could send it, so it is ignored; the local
/// Functions host never passes <c>WEBSITE_AUTH_ENABLED</c> to the worker.
/// </summary>
internal sealed class PlatformPrincipals(IOptions<AccessOptions> access, IConfiguration configuration)
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    /// <summary>App Service Authentication's session cookie (split as AppServiceAuthSession1, 2, ... when long).</summary>
    public const string SessionCookie = "AppServiceAuthSession";

    /// <summary>App Service's sign-in path for Microsoft Entra ID.</summary>
    public const string LoginPath = "/.auth/login/aad";

    /// <summary>Where to send a browser to sign in with Entra ID: the platform's sign-in, back through <c>/signin/entra</c> to <paramref name="back"/>.</summary>
    public static string SignInUrl(string back) =>
        LoginPath + "?post_login_redirect_uri=" + Uri.EscapeDataString("/signin/entra?return=" + Uri.EscapeDataString(back));

    private const int MaxHeaderLength = 32 * 1024;

    /// <summary>What ends an Entra user's name in the audit trail; no name typed with a key may end so.</summary>
    public const string Suffix = " (Entra ID)";

    /// <summary>Whether the principal header is trusted: the setting says the platform's authentication is on, and the platform does.</summary>
    public bool Trusted =>
        access.Value.PlatformAuthentication && string.Equals(configuration["WEBSITE_AUTH_ENABLED"], "True", StringComparison.OrdinalIgnoreCase);

    /// <summary>The signed-in user of the request; null without a trusted principal header (or with one that is no principal).</summary>
    public PlatformUser? Read(HttpRequest request)
    {
        if (!Trusted || request.Headers[Header].FirstOrDefault() is not { Length: > 0 and <= MaxHeaderLength } header)
        {
            return null;
        }

        List<(string Type, string Value)> claims;
        string? nameType, roleType;
        try
        {
            using var json = JsonDocument.Parse(Base64Decode(header));
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            nameType = root.TryGetProperty("name_typ", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
            roleType = root.TryGetProperty("role_typ", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            claims = root.TryGetProperty("claims", out var c) && c.ValueKind == JsonValueKind.Array
                ? [.. c.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("typ", out var t) && t.ValueKind == JsonValueKind.String && e.TryGetProperty("val", out var v) && v.ValueKind == JsonValueKind.String)
                    .Select(e => (e.GetProperty("typ").GetString()!, e.GetProperty("val").GetString()!))]
                : [];
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException) // InvalidOperation: a string that is no UTF-8
        {
            return null;
        }

        string? Claim(params string?[] types) => types.Where(t => t is not null).Select(t => claims.FirstOrDefault(c => c.Type == t).Value).FirstOrDefault(v => v is { Length: > 0 });
        var objectId = Claim("http://schemas.microsoft.com/identity/claims/objectidentifier", "oid");
        var name = Claim(nameType, "preferred_username", "name", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name") ?? objectId;
        if (name is null)
        {
            return null;
        }

        var who = (name.Length > 80 ? name[..80] : name) + Suffix;
        var roles = claims.Where(c => c.Type == "roles" || c.Type == roleType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
        var groups = claims.Where(c => c.Type == "groups").Select(c => c.Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var session = string.Concat(request.Cookies.Where(c => c.Key.StartsWith(SessionCookie, StringComparison.Ordinal)).OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => c.Value));
        return new PlatformUser(
            who,
            Entry(who, roles, [.. access.Value.Groups.Where(g => groups.Contains(g.Id))]),
            session.Length > 0,
            session.Length > 0 ? Base64Url.EncodeToString(HMACSHA256.HashData("forms/platform/v1"u8, Encoding.UTF8.GetBytes(session))) : null);
    }

    /// <summary>
    /// The role and scope of a user with <paramref name="roles"/>, in the members of <paramref name="groups"/>: the first role
    /// they hold in this order wins: operator of every wave, operator of some waves, analyst of everything, analyst of some
    /// areas (an operator of some waves who is also an analyst of everything stays limited to those waves: the narrower
    /// reading, as roles are to be given one per person); a limited role sees the union of its groups' waves or areas, and
    /// nothing when none of its groups is configured.
    /// </summary>
    private static KeyEntry? Entry(string who, HashSet<string> roles, List<AccessGroup> groups)
    {
        // No digest: a user's session is App Service's, not a key's (its form token is PlatformUser.FormToken).
        KeyEntry Person(Role role, AccessScope scope) => new(who, [], role, scope, Person: true);
        HashSet<string> Union(Func<AccessGroup, List<string>> of) => groups.SelectMany(of).ToHashSet(StringComparer.Ordinal);
        if (roles.Contains(AppRoles.Operator))
        {
            return Person(Role.Operator, AccessScope.All);
        }

        if (roles.Contains(AppRoles.WaveOperator))
        {
            return Person(Role.Operator, new AccessScope(null, null, Union(g => g.Waves)));
        }

        if (roles.Contains(AppRoles.Analyst))
        {
            return Person(Role.Analyst, AccessScope.All);
        }

        var zones = roles.Contains(AppRoles.ZoneAnalyst);
        var municipalities = roles.Contains(AppRoles.MunicipalityAnalyst);
        return zones || municipalities
            ? Person(Role.Analyst, new AccessScope(zones ? Union(g => g.Zones) : [], municipalities ? Union(g => g.Municipalities) : []))
            : null;
    }

    private static byte[] Base64Decode(string value)
    {
        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(value.Length)];
        return Convert.TryFromBase64String(value, bytes, out var written) ? bytes[..written] : throw new FormatException("The principal is no Base64.");
    }
}
