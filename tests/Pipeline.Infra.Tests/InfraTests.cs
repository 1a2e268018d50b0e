using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Functions.Platform;
using Pipeline.Storage.Emulator;

namespace Pipeline.Infra.Tests;

/// <summary>
/// <c>infra/</c> compiles and lints without a single diagnostic, with the pinned Bicep compiler (offline), and the
/// template it compiles to keeps the deployment's promises: identity-only storage, secrets from Key Vault, the
/// response store apart from the personal data, and every app setting the functions need.
/// </summary>
public sealed partial class InfraTests
{
    private static readonly string Infra = Path.Combine(RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("No checkout root."), "infra");

    private static readonly Lazy<JsonDocument> Template = new(() => JsonDocument.Parse(Bicep("build", Path.Combine(Infra, "main.bicep"), "--stdout")));

    public static TheoryData<string> BicepFiles() => [.. Directory.GetFiles(Infra, "*.bicep*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Infra, f))];

    [Theory]
    [MemberData(nameof(BicepFiles))]
    public void Lint_ZeroDiagnostics(string file)
    {
        var output = Bicep("lint", Path.Combine(Infra, file));
        Assert.True(output.Length == 0, $"bicep lint {file}:\n{output}");
    }

    [Fact]
    public void Build_Parameters_Compile() =>
        Assert.Contains("environmentName", Bicep("build-params", Path.Combine(Infra, "main.bicepparam"), "--stdout"), StringComparison.Ordinal);

    [Fact]
    public void Storage_EveryAccount_NoSharedKey_NoPublicBlobs_Tls12()
    {
        var accounts = Resources(Template.Value.RootElement).Where(r => Type(r) == "Microsoft.Storage/storageAccounts" && !r.TryGetProperty("existing", out _)).ToList();
        Assert.NotEmpty(accounts);
        foreach (var account in accounts)
        {
            var properties = account.GetProperty("properties");
            Assert.False(properties.GetProperty("allowSharedKeyAccess").GetBoolean());
            Assert.False(properties.GetProperty("allowBlobPublicAccess").GetBoolean());
            Assert.Equal("TLS1_2", properties.GetProperty("minimumTlsVersion").GetString());
        }

        Assert.Equal(2, Modules().Count(m => m.Name.StartsWith("storage-", StringComparison.Ordinal)));
    }

    [Fact]
    public void App_FlexConsumption_UserAssignedIdentity_IdentityConnections_SecretsFromKeyVault()
    {
        var resources = Resources(Template.Value.RootElement).ToList();
        var plan = Assert.Single(resources, r => Type(r) == "Microsoft.Web/serverfarms");
        Assert.Equal("FlexConsumption", plan.GetProperty("sku").GetProperty("tier").GetString());
        var app = Assert.Single(resources, r => Type(r) == "Microsoft.Web/sites");
        Assert.Equal("UserAssigned", app.GetProperty("identity").GetProperty("type").GetString());
        var text = Expression(app.GetRawText());
        foreach (var connection in new[] { "AzureWebJobsStorage", "ResponseStorage" })
        {
            Assert.Contains($"__bicep.identityConnection('{connection}'", text, StringComparison.Ordinal);
        }

        var functions = Expression(Template.Value.RootElement.GetProperty("functions").GetRawText());
        Assert.Matches("(?s)__credential'.*?'value': 'managedidentity'", functions);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", functions, StringComparison.Ordinal);
        Assert.DoesNotContain("AccountKey", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("listKeys", text, StringComparison.OrdinalIgnoreCase);
        foreach (var secret in new[] { "Waves__TokenSecret", "Waves__TokenHashKey", "Operator__Keys__0", "Analyst__Keys__0" })
        {
            Assert.Contains($"createObject('name', '{secret}', 'value', __bicep.vaultReference(", text, StringComparison.Ordinal);
        }

        var vault = Assert.Single(resources, r => Type(r) == "Microsoft.KeyVault/vaults");
        Assert.True(vault.GetProperty("properties").GetProperty("enableRbacAuthorization").GetBoolean());
        var insights = Assert.Single(resources, r => Type(r) == "Microsoft.Insights/components");
        Assert.True(insights.GetProperty("properties").GetProperty("DisableLocalAuth").GetBoolean());
    }

    [Fact]
    public void AppSettings_EverySettingAndConnectionTheTriggersName_IsSet()
    {
        var text = Expression(Assert.Single(Resources(Template.Value.RootElement), r => Type(r) == "Microsoft.Web/sites").GetRawText());
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var function in FunctionCatalog.All)
        {
            var expression = function.Trigger switch
            {
                TimerTriggerAttribute timer => timer.Schedule,
                QueueTriggerAttribute queue => queue.QueueName + " %" + queue.Connection + "%",
                _ => string.Empty,
            };
            foreach (Match setting in SettingName().Matches(expression))
            {
                named.Add(setting.Groups[1].Value.Replace(":", "__", StringComparison.Ordinal));
            }
        }

        Assert.Contains("Responses__ReleaseSchedule", named);
        foreach (var setting in named)
        {
            // A connection is set as its identity-based parts (name__accountName ...) or as a value.
            Assert.Matches($"'{setting}(__accountName)?'", text);
        }
    }

    [Fact]
    public void Privacy_ResponseStoreApart_AnalystsReadOnlyIt_AppReachesBothWithItsIdentity()
    {
        // Modules' parameters name the accounts by their symbols: hostStorage (personal data) and responseStorage.
        var modules = Modules().ToDictionary(m => m.Name, m => m.Parameters);
        Assert.Contains("storage-responses", modules.Keys);
        var analysts = modules["roles-analysts"];
        Assert.Contains("reference('responseStorage')", analysts, StringComparison.Ordinal);
        Assert.DoesNotContain("hostStorage", analysts, StringComparison.Ordinal);
        Assert.Contains("reference('hostStorage')", modules["roles-host"], StringComparison.Ordinal);
        Assert.Contains("reference('responseStorage')", modules["roles-responses"], StringComparison.Ordinal);
    }

    /// <summary>
    /// App Service Authentication is on with Entra ID (the client id required), lets unauthenticated requests through to
    /// the app (respondents' pages, API keys), and the app is told so; the registration's app roles are the app's.
    /// </summary>
    [Fact]
    public void Authentication_EntraOn_AnonymousPassesToTheApp_TheAppRolesAreTheApps()
    {
        var root = Template.Value.RootElement;
        Assert.False(root.GetProperty("parameters").GetProperty("entraClientId").TryGetProperty("defaultValue", out _));
        var auth = Assert.Single(Resources(root), r => Type(r) == "Microsoft.Web/sites/config" && r.GetProperty("name").GetString()!.Contains("authsettingsV2", StringComparison.Ordinal)).GetProperty("properties");
        Assert.True(auth.GetProperty("platform").GetProperty("enabled").GetBoolean());
        Assert.False(auth.GetProperty("globalValidation").GetProperty("requireAuthentication").GetBoolean());
        Assert.Equal("AllowAnonymous", auth.GetProperty("globalValidation").GetProperty("unauthenticatedClientAction").GetString());
        Assert.True(auth.GetProperty("httpSettings").GetProperty("requireHttps").GetBoolean());
        var entra = auth.GetProperty("identityProviders").GetProperty("azureActiveDirectory");
        Assert.True(entra.GetProperty("enabled").GetBoolean());
        Assert.Equal("[parameters('entraClientId')]", entra.GetProperty("registration").GetProperty("clientId").GetString());
        Assert.Contains("/v2.0", entra.GetProperty("registration").GetProperty("openIdIssuer").GetString(), StringComparison.Ordinal);

        var app = Expression(Assert.Single(Resources(root), r => Type(r) == "Microsoft.Web/sites").GetRawText());
        Assert.Contains("createObject('name', 'Access__PlatformAuthentication', 'value', 'true')", app, StringComparison.Ordinal);
        Assert.Contains("variables('accessGroupSettings')", app, StringComparison.Ordinal);
        Assert.Contains("Access__Groups__{0}__Zones", Expression(root.GetProperty("variables").GetRawText()), StringComparison.Ordinal);

        using var roles = JsonDocument.Parse(File.ReadAllText(Path.Combine(Infra, "entra-app-roles.json")));
        var defined = roles.RootElement.EnumerateArray().ToList();
        Assert.Equal(Pipeline.Functions.Security.AppRoles.All, defined.Select(r => r.GetProperty("value").GetString()));
        Assert.Equal(defined.Count, defined.Select(r => Guid.Parse(r.GetProperty("id").GetString()!)).Distinct().Count());
        Assert.All(defined, r => Assert.True(r.GetProperty("isEnabled").GetBoolean()));
        Assert.Contains("entra-app-roles.json", File.ReadAllText(Path.Combine(Infra, "entra-app.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void Outputs_NoSecret()
    {
        foreach (var output in Template.Value.RootElement.GetProperty("outputs").EnumerateObject())
        {
            var value = output.Value.GetProperty("value").GetRawText();
            Assert.DoesNotContain("ConnectionString", value, StringComparison.Ordinal);
            Assert.DoesNotContain("listKeys", value, StringComparison.Ordinal);
        }
    }

    /// <summary>ARM JSON with its string quotes unescaped, so expressions read like the Bicep that wrote them.</summary>
    private static string Expression(string json) => json.Replace("\\u0027", "'", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);

    private static string? Type(JsonElement resource) => resource.TryGetProperty("type", out var type) ? type.GetString() : null;

    /// <summary>Every resource of the template and of its modules' nested templates.</summary>
    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        var resources = template.GetProperty("resources");
        var all = resources.ValueKind == JsonValueKind.Object ? resources.EnumerateObject().Select(p => p.Value) : resources.EnumerateArray();
        foreach (var resource in all)
        {
            yield return resource;
            if (Type(resource) == "Microsoft.Resources/deployments" && resource.GetProperty("properties").TryGetProperty("template", out var nested))
            {
                foreach (var inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }

    private static IEnumerable<(string Name, string Parameters)> Modules() =>
        Resources(Template.Value.RootElement)
            .Where(r => Type(r) == "Microsoft.Resources/deployments")
            .Select(r => (r.GetProperty("name").GetString()!, Expression(r.GetProperty("properties").GetProperty("parameters").GetRawText())));

    /// <summary>Runs the pinned Bicep compiler; its diagnostics (stdout and stderr) or output, failing on a non-zero exit.</summary>
    private static string Bicep(params string[] arguments)
    {
        var path = typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;
        var start = new ProcessStartInfo(path, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";

        // main.bicepparam reads the app registration's client id from the deployer's environment (docs/deploy.md).
        start.Environment["ENTRA_CLIENT_ID"] = "0f8fad5b-d9cb-469f-a165-70867728950e";
        using var bicep = Process.Start(start)!;
        var output = bicep.StandardOutput.ReadToEndAsync();
        var errors = bicep.StandardError.ReadToEnd();
        Assert.True(bicep.WaitForExit(TimeSpan.FromMinutes(2)), "bicep took more than 2 minutes");
        Assert.True(bicep.ExitCode == 0, $"bicep {string.Join(' ', arguments)} exited {bicep.ExitCode}:\n{errors}\n{output.Result}");
        return output.Result + errors;
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex SettingName();
}
