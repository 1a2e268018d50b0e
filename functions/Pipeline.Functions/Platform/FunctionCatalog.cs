using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Extensions.Abstractions;

namespace Pipeline.Functions.Platform;

/// <summary>What a function's parameter receives when the in-process twin (tests) calls it.</summary>
internal enum ParameterKind
{
    /// <summary>The trigger's value: the request, the timer, the queue message.</summary>
    Trigger,

    /// <summary>A <c>[DurableClient]</c>: the task hub's client.</summary>
    DurableClient,

    /// <summary>The invocation's cancellation token.</summary>
    Cancellation,

    /// <summary>Anything else, which the in-process twin cannot bind.</summary>
    Unbindable,
}

/// <summary>
/// A function of this app: its name, the method Azure calls, the trigger attribute on one of its parameters, and what
/// each parameter receives (read once, not on every call).
/// </summary>
internal sealed record FunctionEntry(string Name, MethodInfo Method, TriggerBindingAttribute Trigger)
{
    public IReadOnlyList<ParameterKind> Parameters { get; } = [.. Method.GetParameters().Select(KindOf)];

    public T TriggerAs<T>()
        where T : TriggerBindingAttribute => (T)Trigger;

    private static ParameterKind KindOf(ParameterInfo parameter) =>
        parameter.GetCustomAttribute<TriggerBindingAttribute>() is not null ? ParameterKind.Trigger
        : parameter.GetCustomAttribute<DurableClientAttribute>() is not null ? ParameterKind.DurableClient
        : parameter.ParameterType == typeof(CancellationToken) ? ParameterKind.Cancellation
        : ParameterKind.Unbindable;
}

/// <summary>
/// Every <c>[Function]</c> method of this assembly, read from the attributes the Functions Sdk writes
/// <c>functions.metadata</c> from: the in-process twin serves exactly these, and a test compares them with the
/// published metadata.
/// </summary>
internal static class FunctionCatalog
{
    public static IReadOnlyList<FunctionEntry> All { get; } = Read(typeof(FunctionCatalog).Assembly);

    public static IEnumerable<FunctionEntry> Of<T>()
        where T : TriggerBindingAttribute => All.Where(f => f.Trigger is T);

    private static List<FunctionEntry> Read(Assembly assembly) =>
        [.. from type in assembly.GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
            let function = method.GetCustomAttribute<FunctionAttribute>()
            where function is not null
            let triggers = method.GetParameters().SelectMany(p => p.GetCustomAttributes<TriggerBindingAttribute>()).ToList()
            select new FunctionEntry(
                function.Name,
                method,
                triggers.Count == 1 ? triggers[0] : throw new InvalidOperationException($"Function '{function.Name}' ({type.Name}.{method.Name}) has {triggers.Count} triggers; it must have one."))];
}
