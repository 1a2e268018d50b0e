namespace Pipeline.Functions.Security;

/// <summary>
/// What a secret must be. Keys (<c>Operator:Keys:N</c>, <c>Analyst:Keys:N</c>) must be able to carry 128 bits: their length
/// times log2 of the alphabet their character classes span (lower case 26, upper case 26, digits 10, others 32) is at
/// least 128, and no character makes up more than a quarter of them. That refuses short and repetitive keys; it cannot
/// tell a random key from a typed one, so docs/configuration.md says how to make one. Outside Development, a secret that equals a
/// value of <c>local.settings.sample.json</c> (committed, so public) stops the host. In every environment, a setting that
/// is still an unresolved Key Vault reference stops the host.
/// </summary>
internal static class SecretRules
{
    public const int KeyBits = 128;

    /// <summary>The bits <paramref name="key"/> could carry at most, by its length and character classes.</summary>
    public static double Bits(string key)
    {
        var alphabet = (key.Any(char.IsAsciiLetterLower) ? 26 : 0) + (key.Any(char.IsAsciiLetterUpper) ? 26 : 0)
            + (key.Any(char.IsAsciiDigit) ? 10 : 0) + (key.Any(c => !char.IsAsciiLetterOrDigit(c)) ? 32 : 0);
        return alphabet == 0 ? 0 : key.Length * Math.Log2(alphabet);
    }

    /// <summary>Why <paramref name="key"/> is not good enough to be a key, or null.</summary>
    public static string? KeyProblem(string name, string key) =>
        Bits(key) < KeyBits ? $"{name} is too short to carry {KeyBits} bits: make one with 'openssl rand -base64 32'."
        : key.GroupBy(c => c).Max(g => g.Count()) * 4 > key.Length ? $"{name} repeats one character too often to be random: make one with 'openssl rand -base64 32'."
        : null;

    /// <summary>What App Service hands the app, literally, for a Key Vault reference it could not resolve.</summary>
    public const string KeyVaultReference = "@Microsoft.KeyVault(";

    /// <summary>
    /// Stops the host when a setting is an unresolved Key Vault reference (in any environment: App Service passes the
    /// reference text on when the secret is missing or the identity may not read it, and that text would pass as a key),
    /// or, outside Development, when a secret is a value of the committed sample settings.
    /// </summary>
    public static IHostApplicationBuilder RefuseUnsafeSecrets(this IHostApplicationBuilder builder)
    {
        var settings = builder.Configuration.AsEnumerable().Where(p => !string.IsNullOrEmpty(p.Value)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        foreach (var (key, value) in settings)
        {
            if (value!.TrimStart().StartsWith(KeyVaultReference, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"{key} is a Key Vault reference that was not resolved: give the app's identity 'get' on the secret and check its name, or set the value.");
            }
        }

        if (builder.Environment.IsDevelopment())
        {
            return builder;
        }

        var samples = SampleValues();
        foreach (var (key, value) in settings.Where(p => IsSecret(p.Key)))
        {
            if (samples.Contains(value!))
            {
                throw new InvalidOperationException(
                    $"{key} is the sample value from {SampleSettings}, which is public: outside Development set a secret of your own (environment {builder.Environment.EnvironmentName}).");
            }
        }

        return builder;
    }

    /// <summary>The committed sample settings, public, embedded in the app.</summary>
    public const string SampleSettings = "local.settings.sample.json";

    /// <summary>
    /// Every value of the committed sample settings: public, so never a secret outside Development. Read from the copy
    /// embedded at build time, so the published app knows them where the file is not deployed (Azure).
    /// </summary>
    internal static HashSet<string> SampleValues()
    {
        using var sample = typeof(SecretRules).Assembly.GetManifestResourceStream(SampleSettings)
            ?? throw new InvalidOperationException($"{SampleSettings} is not embedded in the app.");
        return new ConfigurationBuilder().AddJsonStream(sample).Build().AsEnumerable()
            .Select(p => p.Value).OfType<string>().Where(v => v.Length > 0).ToHashSet(StringComparer.Ordinal);
    }

    private static bool IsSecret(string key) =>
        key.Equals("Waves:TokenSecret", StringComparison.OrdinalIgnoreCase) || key.Equals("Waves:TokenHashKey", StringComparison.OrdinalIgnoreCase)
        || key.StartsWith("Operator:Keys:", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Analyst:Keys:", StringComparison.OrdinalIgnoreCase);
}
