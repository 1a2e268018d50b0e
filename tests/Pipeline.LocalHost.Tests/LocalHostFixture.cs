using Microsoft.Extensions.Logging;
using Pipeline.Storage.Emulator;
using Pipeline.Testing;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// One local Functions host for the class: the built Pipeline.Functions app as a worker process on the test Azurite, its
/// HTTP front end on a free port. The worker is the unchanged app, started as the Functions host starts it.
/// </summary>
public class LocalHostFixture : IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key-0123456789";

    internal LocalFunctionsHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("Run inside the checkout.");
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync(),
            ["Operator:Keys:0"] = OperatorKey,
            ["Analyst:Keys:0"] = "test-analyst-key-9876543210",
            ["Waves:TokenSecret"] = "test-token-secret-0123456789abcdef",
            ["Waves:TokenHashKey"] = "test-token-hash-key-0123456789abcdef",
            ["Responses:ReleaseSchedule"] = "0 0 * * * *",
            ["Aggregates:NightlySchedule"] = "0 0 2 * * *",
            ["Responses:ClientPermitsPerMinute"] = "4", // per client address: the spoofing test calls from an address of its own
            ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "lh" + Guid.NewGuid().ToString("N")[..12],
            ["AzureFunctionsJobHost:extensions:durableTask:storageProvider:maxQueuePollingInterval"] = "00:00:00.500",

            // Azure's settings copied here, App Service's own variable included: no App Service Authentication stands in
            // front of this host, so the worker must still not trust a principal header (LocalFunctionsHostTests).
            ["Access:PlatformAuthentication"] = "true",
            ["Website_Auth_Enabled"] = "True", // any spelling: configuration reads names in any case
        };
        await ConfigureAsync(settings);
        Host = await LocalFunctionsHost.StartAsync(LocalSettings.BuiltApp(root), settings, "http://127.0.0.1:0", l => l.SetMinimumLevel(LogLevel.Warning));
        Http = new HttpClient { BaseAddress = new Uri(Host.Address) };
    }

    /// <summary>Changes the app settings before the host starts.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Changes the app settings before the host starts, with what takes a while (an Azurite of its own).</summary>
    protected virtual Task ConfigureAsync(Dictionary<string, string?> settings)
    {
        Configure(settings);
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.DisposeAsync();
    }
}
