using System.Text.Json;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The <c>X-MS-CLIENT-PRINCIPAL</c> header App Service Authentication gives the app for a user of Microsoft Entra ID: Base64
/// JSON of <c>auth_typ</c>, <c>name_typ</c>, <c>role_typ</c> and the ID token's claims, app roles under <c>roles</c> and group
/// object ids under <c>groups</c> (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities).
/// </summary>
internal static class EntraPrincipal
{
    public const string Header = "X-MS-CLIENT-PRINCIPAL";

    public static string Of(string user, IEnumerable<string> roles, IEnumerable<string>? groups = null)
    {
        var claims = new List<object>
        {
            new { typ = "http://schemas.microsoft.com/identity/claims/objectidentifier", val = Guid.NewGuid().ToString() },
            new { typ = "name", val = "Someone of the zone" },
            new { typ = "preferred_username", val = user },
        };
        claims.AddRange(roles.Select(r => new { typ = "roles", val = r }));
        claims.AddRange((groups ?? []).Select(g => new { typ = "groups", val = g }));
        return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new
        {
            auth_typ = "aad",
            name_typ = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
            role_typ = "http://schemas.microsoft.com/ws/2008/06/identity/claims/role",
            claims,
        }));
    }
}
