using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The principal header is trusted only when the app's setting and App Service both say that its authentication is on.
/// As shipped (neither), with the setting alone (the platform's authentication turned off), or with the platform's variable
/// alone, a forged <c>X-MS-CLIENT-PRINCIPAL</c> of an operator opens nothing.
/// </summary>
public sealed class ForgedPrincipalTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("true", null)]
    [InlineData("true", "False")]
    [InlineData(null, "True")]
    [InlineData("false", "True")]
    public async Task ForgedOperator_OpensNothing(string? setting, string? platform)
    {
        await using var app = new PipelineApplication();
        foreach (var (name, value) in new[] { ("Access:PlatformAuthentication", setting), ("WEBSITE_AUTH_ENABLED", platform) })
        {
            if (value is not null)
            {
                app.Settings[name] = value;
            }
        }

        var forged = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        forged.DefaultRequestHeaders.Add(EntraPrincipal.Header, EntraPrincipal.Of("mallory@evil.example", [AppRoles.Operator]));
        forged.DefaultRequestHeaders.Add("Cookie", "AppServiceAuthSession=forged");

        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(new Uri("/api/waves", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync(new Uri("/api/durable/instances", UriKind.Relative))).StatusCode);
        var page = await forged.GetAsync(new Uri("/console", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/signin?", page.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await forged.GetAsync(new Uri("/signin/entra", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain("/signin/entra", await forged.GetStringAsync(new Uri("/signin", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Empty(await app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default, "sign-in").ToListAsync());
    }
}
