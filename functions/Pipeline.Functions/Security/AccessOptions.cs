using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Security;

/// <summary>
/// Named keys with a role and a scope (<c>Access:Keys:N:Name</c>, <c>:Hash</c>, <c>:Role</c>, <c>:Waves:N</c>, <c>:Zones:N</c>,
/// <c>:Municipalities:N</c>): only the key's SHA-256 (hex) is configured, never the key. A key may be limited to waves (an
/// operator of one wave); an analyst's key to zones and municipalities (<c>zone/municipality</c>); without them it sees
/// every wave and area. The unnamed keys of
/// <c>Operator:Keys</c> and <c>Analyst:Keys</c> stay, for local use and automation, with every area.
/// On Azure, users sign in with Microsoft Entra ID through App Service Authentication (<see cref="PlatformAuthentication"/>):
/// their app roles (<see cref="AppRoles"/>) say what they are, and the groups of <see cref="Groups"/> which waves or areas a
/// limited role sees.
/// </summary>
internal sealed class AccessOptions : IValidatableObject
{
    public const string SectionName = "Access";

    public List<NamedKey> Keys { get; set; } = [];

    /// <summary>
    /// Whether App Service Authentication stands in front of the app, so that its principal header is trusted (only when
    /// the platform says so too: <see cref="PlatformPrincipals.Trusted"/>). Default false: never locally.
    /// </summary>
    public bool PlatformAuthentication { get; set; }

    /// <summary>Entra ID groups (by object id) and the waves, zones or municipalities their members' limited roles see.</summary>
    public List<AccessGroup> Groups { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < Keys.Count; i++)
        {
            var key = Keys[i];
            var at = $"{SectionName}:Keys:{i}";
            if (key.Name is not { Length: > 0 and <= 60 } || key.Name.Any(char.IsControl))
            {
                yield return new ValidationResult($"{at}:Name: give the key a name of 1 to 60 characters, such as 'analyst PZ Oostende'.", [nameof(Keys)]);
            }

            if (key.Hash is not { Length: 64 } hash || !hash.All(char.IsAsciiHexDigit))
            {
                yield return new ValidationResult($"{at}:Hash: give the key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum), never the key.", [nameof(Keys)]);
            }

            if (!Enum.TryParse<Role>(key.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role))
            {
                yield return new ValidationResult($"{at}:Role: give Operator or Analyst, not '{key.Role}'.", [nameof(Keys)]);
            }
            else if (role == Role.Operator && (key.Zones.Count > 0 || key.Municipalities.Count > 0))
            {
                yield return new ValidationResult($"{at}: an operator's key opens every area; zones and municipalities limit analysts' keys only.", [nameof(Keys)]);
            }

            foreach (var problem in key.Problems(at))
            {
                yield return new ValidationResult(problem, [nameof(Keys)]);
            }
        }

        for (var i = 0; i < Groups.Count; i++)
        {
            var at = $"{SectionName}:Groups:{i}";
            if (!Guid.TryParseExact(Groups[i].Id, "D", out _))
            {
                yield return new ValidationResult($"{at}:Id: give the group's object id (a GUID such as 0f8fad5b-d9cb-469f-a165-70867728950e), not '{Groups[i].Id}'.", [nameof(Groups)]);
            }

            foreach (var problem in Groups[i].Problems(at))
            {
                yield return new ValidationResult(problem, [nameof(Groups)]);
            }
        }

        if (Keys.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            yield return new ValidationResult($"{SectionName}:Keys: the name '{twice.Key}' is given to more than one key.", [nameof(Keys)]);
        }
    }
}

/// <summary>The waves, zones and municipalities (<c>zone/municipality</c>) a key or group is limited to.</summary>
internal abstract class ScopeLists
{
    public List<string> Waves { get; set; } = [];

    public List<string> Zones { get; set; } = [];

    public List<string> Municipalities { get; set; } = [];

    /// <summary>What is wrong with the lists, each message starting with <paramref name="at"/>.</summary>
    public IEnumerable<string> Problems(string at)
    {
        if (Waves.FirstOrDefault(w => !Pipeline.Survey.Waves.WaveValidator.IsId(w)) is { } notAWave)
        {
            yield return $"{at}:Waves: '{notAWave}' is no wave id.";
        }

        if (Municipalities.FirstOrDefault(m => m.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]) is { } wrong)
        {
            yield return $"{at}:Municipalities: give each as zone/municipality, not '{wrong}'.";
        }
    }
}

/// <summary>An Entra ID group (its object id) and the waves or areas it gives its members' limited app roles.</summary>
internal sealed class AccessGroup : ScopeLists
{
    public string Id { get; set; } = string.Empty;
}

/// <summary>A named key: its name, the SHA-256 of the key (hex), its role, and for an analyst the areas it is limited to.</summary>
internal sealed class NamedKey : ScopeLists
{
    public string Name { get; set; } = string.Empty;

    public string Hash { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;
}

/// <summary>
/// The waves and areas a key sees: every one (<see cref="All"/>), or its waves; and its zones (and everything in them) and
/// its municipalities (and their neighbourhoods). The wave as a whole is published to every analyst of the wave, and with it
/// the comparison of zones.
/// </summary>
internal sealed record AccessScope(IReadOnlySet<string>? Zones, IReadOnlySet<string>? Municipalities, IReadOnlySet<string>? Waves = null)
{
    public static readonly AccessScope All = new(null, null);

    /// <summary>Whether the scope opens wave <paramref name="id"/>.</summary>
    public bool AllowsWave(string id) => Waves?.Contains(id) != false;

    /// <summary>The request's item with the admitted key's scope, set by <see cref="KeyFilter"/>.</summary>
    public const string Item = "pipeline.scope";

    public bool Limited => Zones is not null || Municipalities is not null;

    /// <summary>The scope of the key the request was admitted with (every area when none was needed).</summary>
    public static AccessScope Of(HttpContext http) => http.Items[Item] as AccessScope ?? All;

    /// <summary>Whether the scope sees the aggregate of <paramref name="area"/> at <paramref name="level"/> (wave, zone, municipality, neighbourhood).</summary>
    public bool Allows(string level, string area)
    {
        if (!Limited || level == "wave")
        {
            return true;
        }

        var parts = area.Split('/');
        return Zones?.Contains(parts[0]) == true
            || (level != "zone" && parts.Length >= 2 && Municipalities?.Contains(parts[0] + "/" + parts[1]) == true);
    }

    /// <summary>What the scope sees, for the audit trail: "every wave and area", or its waves, zones and municipalities.</summary>
    public string Describe()
    {
        static string List(string what, IReadOnlySet<string>? values) => values is not { Count: > 0 } ? string.Empty : $"{what} [{string.Join(", ", values.Order(StringComparer.Ordinal))}]";
        var parts = new[] { List("waves", Waves), List("zones", Zones), List("municipalities", Municipalities) }.Where(p => p.Length > 0).ToList();
        return parts.Count > 0 ? string.Join("; ", parts)
            : Limited || Waves is not null ? "no wave or area"
            : "every wave and area";
    }

    /// <summary>Whether the scope sees zone <paramref name="zone"/>'s page.</summary>
    public bool AllowsZone(string zone) => Allows("zone", zone);
}
