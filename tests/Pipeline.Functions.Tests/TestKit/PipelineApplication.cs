using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.InProcess;
using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The app in the in-process twin of the Functions host (tests/Pipeline.InProcess). By default the app's storage is the in-memory twin; <see cref="Settings"/> can point it at
/// Azurite instead, or at anything else a test needs to try. The task hub always runs on the test Azurite
/// (<c>AzureWebJobsStorage</c>), in a hub of its own that is deleted with the host.
/// </summary>
internal sealed class PipelineApplication : WebApplicationFactory<InProcessProgram>
{
    public Dictionary<string, string?> Settings { get; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureWebJobsStorage"] = TestAzurite.ConnectionStringAsync().GetAwaiter().GetResult(),
        [HubSetting + "hubName"] = "t" + Guid.NewGuid().ToString("N")[..16],
        [HubSetting + "storageProvider:maxQueuePollingInterval"] = "00:00:00.500",
        ["Azurite:Embedded"] = "false",
        ["Operator:Keys:0"] = OperatorKey,
        ["Analyst:Keys:0"] = AnalystKey,
        ["Waves:TokenSecret"] = TokenSecret,
        ["Waves:TokenHashKey"] = "test-token-hash-key-0123456789abcdef",
    };

    public const string HubSetting = TaskHubOptions.Section + ":";

    public const string TokenSecret = "test-token-secret-0123456789abcdef";

    public const string OperatorKey = "test-operator-key-0123456789";

    public const string AnalystKey = "test-analyst-key-9876543210";

    public bool InMemoryStorage { get; init; } = true;

    /// <summary>More service changes, applied last.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; set; }

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

            services.AddTaskHub(r => r.AddOrchestrator<AwaitApproval>());
            ConfigureServices?.Invoke(services);
        });
    }

    /// <summary>
    /// The error that stops this host at start-up. WebApplicationFactory races a host that fails to start: now and then
    /// it throws its own ObjectDisposedException (it asks the failed host's disposed services for their lifetime) in
    /// place of the host's error; then the same settings start on a fresh factory, six times at most (three were not always enough on a loaded machine).
    /// </summary>
    public Exception StartFailure()
    {
        for (var attempt = 1; ; attempt++)
        {
            var app = attempt == 1 ? this : Copy();
            try
            {
                app.CreateClient();
            }
            catch (ObjectDisposedException) when (attempt < 6)
            {
                continue;
            }
            catch (Exception e)
            {
                return e;
            }
            finally
            {
                if (app != this)
                {
                    app.Dispose();
                }
            }

            throw new Xunit.Sdk.XunitException("The host started; it was expected to stop at start-up.");
        }
    }

    private PipelineApplication Copy()
    {
        var copy = new PipelineApplication { InMemoryStorage = InMemoryStorage, KeepHub = KeepHub, ConfigureServices = ConfigureServices };
        foreach (var (key, value) in Settings)
        {
            copy.Settings[key] = value;
        }

        return copy;
    }

    /// <summary>Leaves the task hub in place at the end, for another host on the same hub.</summary>
    public bool KeepHub { get; init; }

    private LocalTaskHub? _hub;

    protected override IHost CreateHost(IHostBuilder builder)
    {
        var host = base.CreateHost(builder);
        _hub = host.Services.GetService<LocalTaskHub>();
        return host;
    }

    /// <summary>Stops the host, then deletes its task hub, so that no queue or pending timer outlives the test.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await DeleteHubAsync();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        DeleteHubAsync().GetAwaiter().GetResult();
    }

    private async Task DeleteHubAsync()
    {
        if (Interlocked.Exchange(ref _hub, null) is not { } hub || KeepHub)
        {
            return;
        }

        try
        {
            await hub.DeleteAsync();
        }
        catch (Exception e) when (e is TimeoutException or Azure.RequestFailedException or AggregateException || e.InnerException is Azure.RequestFailedException)
        {
            // Storage the test took away (a closed port, a stopped Azurite): nothing is left to delete there.
        }
    }
}

/// <summary>A test orchestrator that waits for one "approve" event and returns its data.</summary>
internal sealed class AwaitApproval : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.WaitForExternalEvent<string>("approve");
}
