namespace Pipeline.InProcess;

internal static class TaskHubRegistration
{
    /// <summary>
    /// The local task hub (settings from <c>host.json</c>'s <c>extensions.durableTask</c>), its worker as a hosted service,
    /// and its <see cref="HubClient"/> (what <c>[DurableClient]</c> binds to locally); <paramref name="tasks"/> adds orchestrators and activities. Safe to call more than once.
    /// </summary>
    public static IServiceCollection AddTaskHub(this IServiceCollection services, Action<TaskRegistry> tasks)
    {
        services.Configure(tasks);
        if (services.Any(s => s.ServiceType == typeof(LocalTaskHub)))
        {
            return services;
        }

        services.AddOptions<TaskHubOptions>().BindConfiguration(TaskHubOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LocalTaskHub>();
        services.AddHostedService(sp => sp.GetRequiredService<LocalTaskHub>());
        services.AddSingleton<HubClient>();
        return services;
    }
}
