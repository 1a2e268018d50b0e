using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The host under test. By default storage is the in-memory twin; <see cref="Settings"/> can point it at
/// Azurite instead, or at anything else a test needs to try.
/// </summary>
internal sealed class PipelineApplication : WebApplicationFactory<Program>
{
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["Azurite:Embedded"] = "false",
    };

    public bool InMemoryStorage { get; init; } = true;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            if (InMemoryStorage)
            {
                services.AddInMemoryStorage();
            }
        });
    }
}
