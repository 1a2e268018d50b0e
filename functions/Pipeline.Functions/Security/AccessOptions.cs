using System.ComponentModel.DataAnnotations;

namespace Pipeline.Functions.Security;

/// <summary>
/// Named keys with a role and a scope (<c>Access:Keys:N:Name</c>, <c>:Hash</c>, <c>:Role</c>, <c>:Waves:N</c>, <c>:Zones:N</c>,
/// <c>:Municipalities:N</c>): only the key's SHA-256 (hex) is configured, never the key. A key may be limited to waves (an
/// operator of one wave); an analyst's key to zones and municipalities (<c>zone/municipality</c>); without them it sees
/// every wave and area. The unnamed keys of
/// <c>Operator:Keys</c> and <c>Analyst:Keys</c> stay, for local use and automation, with every area.
/// </summary>
internal sealed class AccessOptions : IValidatableObject
{
    public const string SectionName = "Access";

    public List<NamedKey> Keys { get; set; } = [];

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

            if (key.Waves.FirstOrDefault(w => !Pipeline.Survey.Waves.WaveValidator.IsId(w)) is { } notAWave)
            {
                yield return new ValidationResult($"{at}:Waves: '{notAWave}' is no wave id.", [nameof(Keys)]);
            }

            if (key.Municipalities.FirstOrDefault(m => m.Split('/') is not [{ Length: > 0 }, { Length: > 0 }]) is { } wrong)
            {
                yield return new ValidationResult($"{at}:Municipalities: give each as zone/municipality, not '{wrong}'.", [nameof(Keys)]);
            }
        }

        if (Keys.GroupBy(k => k.Name, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            yield return new ValidationResult($"{SectionName}:Keys: the name '{twice.Key}' is given to more than one key.", [nameof(Keys)]);
        }
    }
}

/// <summary>A named key: its name, the SHA-256 of the key (hex), its role, and for an analyst the areas it is limited to.</summary>
internal sealed class NamedKey
{
    public string Name { get; set; } = string.Empty;

    public string Hash { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public List<string> Waves { get; set; } = [];

    public List<string> Zones { get; set; } = [];

    public List<string> Municipalities { get; set; } = [];
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

    /// <summary>Whether the scope sees zone <paramref name="zone"/>'s page.</summary>
    public bool AllowsZone(string zone) => Allows("zone", zone);
}
