using DurableTask.Core;
using Microsoft.DurableTask;

namespace Pipeline.InProcess;

/// <summary>
/// The orchestrators and activities a host runs, by name (the type's name, as Durable Functions names them unless a
/// function says otherwise). A registration is a factory, so a host or a test can put a decorated instance under a name.
/// </summary>
internal sealed class TaskRegistry
{
    public Dictionary<string, Func<IServiceProvider, ITaskOrchestrator>> Orchestrators { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Func<IServiceProvider, ITaskActivity>> Activities { get; } = new(StringComparer.Ordinal);

    public TaskRegistry AddOrchestrator<T>()
        where T : class, ITaskOrchestrator
    {
        Orchestrators[typeof(T).Name] = sp => ActivatorUtilities.CreateInstance<T>(sp);
        return this;
    }

    public TaskRegistry AddActivity<T>()
        where T : class, ITaskActivity
    {
        Activities[typeof(T).Name] = sp => ActivatorUtilities.CreateInstance<T>(sp);
        return this;
    }

    /// <summary>Puts <paramref name="factory"/> under <paramref name="name"/>, in place of what was there.</summary>
    public TaskRegistry AddActivity(string name, Func<IServiceProvider, ITaskActivity> factory)
    {
        Activities[name] = factory;
        return this;
    }

    /// <summary>An object creator for DurableTask.Core: a new instance each time the worker asks.</summary>
    internal sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }
}
