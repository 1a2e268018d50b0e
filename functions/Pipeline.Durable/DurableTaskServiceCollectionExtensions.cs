using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Durable.Client;
using Pipeline.Durable.Stores;
using Pipeline.Durable.Worker;
using Pipeline.Storage;

namespace Pipeline.Durable;

/// <summary>Registers the engine: <c>services.AddDurableTask(t => { t.AddOrchestrator&lt;X&gt;(); t.AddActivity&lt;Y&gt;(); })</c>.</summary>
public static class DurableTaskServiceCollectionExtensions
{
    /// <summary>
    /// Adds the client, the worker (unless <see cref="DurableTaskOptions.RunWorker"/> is false) and the given
    /// orchestrators and activities, over the registered <see cref="ITableStore"/> and <see cref="IBlobStore"/>.
    /// Settings bind from <c>DurableTask:*</c>.
    /// </summary>
    public static IServiceCollection AddDurableTask(this IServiceCollection services, Action<DurableTaskRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(register);

        // A second call adds to the first registry (a test host adds its own orchestrators to the app's).
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(DurableTaskRegistry))?.ImplementationInstance as DurableTaskRegistry;
        var registry = existing ?? new DurableTaskRegistry();
        register(registry);
        foreach (var type in registry.Types)
        {
            services.TryAddTransient(type);
        }

        if (existing is not null)
        {
            return services;
        }

        services.AddSingleton(registry);

        services.AddOptions<DurableTaskOptions>().BindConfiguration(DurableTaskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IFaultInjector, NoFaults>();
        services.TryAddSingleton<WorkSignal>();
        services.TryAddSingleton(sp => new TaskHubStore(
            sp.GetRequiredService<ITableStore>(),
            sp.GetRequiredService<IBlobStore>(),
            sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<OrchestrationProcessor>();
        services.TryAddSingleton<ActivityProcessor>();
        services.TryAddSingleton(sp => new DurableTaskClient(sp.GetRequiredService<TaskHubStore>(), sp.GetRequiredService<DurableTaskRegistry>(), sp.GetRequiredService<WorkSignal>()));
        services.AddHostedService<Microsoft.Extensions.Hosting.BackgroundService>(sp => sp.GetRequiredService<IOptions<DurableTaskOptions>>().Value.RunWorker
            ? ActivatorUtilities.CreateInstance<DurableTaskWorker>(sp)
            : new IdleService());
        return services;
    }

    private sealed class IdleService : Microsoft.Extensions.Hosting.BackgroundService
    {
        protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
    }
}
