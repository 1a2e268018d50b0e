using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Pipeline.Durable;
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
        ["Operator:Keys:0"] = OperatorKey,
        ["Analyst:Keys:0"] = AnalystKey,
        ["DurableTask:PollInterval"] = "00:00:00.020",
        ["Waves:TokenSecret"] = TokenSecret,
        ["Waves:TokenHashKey"] = "test-token-hash-key-0123456789abcdef",
    };

    public const string TokenSecret = "test-token-secret-0123456789abcdef";

    public const string OperatorKey = "test-operator-key-0123456789";

    public const string AnalystKey = "test-analyst-key-9876543210";

    public bool InMemoryStorage { get; init; } = true;

    /// <summary>When set, the host's clock: durable timers fire when the test advances it.</summary>
    public TimeProvider? Time { get; init; }

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

            if (Time is not null)
            {
                services.AddSingleton(Time);
            }

            services.AddDurableTask(r => r.AddOrchestrator<AwaitApproval>());
            ConfigureServices?.Invoke(services);
        });
    }
}

/// <summary>A test orchestrator that waits for one "approve" event and returns its data.</summary>
internal sealed class AwaitApproval : TaskOrchestrator<string, string>
{
    public override Task<string> RunAsync(TaskOrchestrationContext context, string input) => context.WaitForExternalEvent<string>("approve");
}
