using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Durable;

/// <summary>The orchestrators and activities this process runs, registered explicitly by type and called by name.</summary>
public sealed class DurableTaskRegistry
{
    private readonly Dictionary<string, Type> _orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Type> _activities = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Registers <typeparamref name="T"/> under its class name (call it with <c>nameof(T)</c>).</summary>
    public DurableTaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator
    {
        _orchestrators[typeof(T).Name] = typeof(T);
        return this;
    }

    /// <summary>Registers <typeparamref name="T"/> under its class name (call it with <c>nameof(T)</c>).</summary>
    public DurableTaskRegistry AddActivity<T>()
        where T : class, ITaskActivity
    {
        _activities[typeof(T).Name] = typeof(T);
        return this;
    }

    internal IEnumerable<Type> Types => _orchestrators.Values.Concat(_activities.Values);

    internal bool HasOrchestrator(string name) => _orchestrators.ContainsKey(name);

    internal ITaskOrchestrator? CreateOrchestrator(IServiceProvider services, string name) =>
        _orchestrators.TryGetValue(name, out var type) ? (ITaskOrchestrator)ActivatorUtilities.GetServiceOrCreateInstance(services, type) : null;

    internal ITaskActivity? CreateActivity(IServiceProvider services, string name) =>
        _activities.TryGetValue(name, out var type) ? (ITaskActivity)ActivatorUtilities.GetServiceOrCreateInstance(services, type) : null;
}
