using System.Collections.Concurrent;

namespace Pipeline.Storage.Azure;

/// <summary>Creates each container, table or queue once per process, on first use.</summary>
internal sealed class CreatedOnce(Func<string, Task> create)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _created = new(StringComparer.Ordinal);

    public async Task EnsureAsync(string name)
    {
        var lazy = _created.GetOrAdd(name, n => new Lazy<Task>(() => create(n)));
        try
        {
            await lazy.Value;
        }
        catch
        {
            // A failed creation is tried again by the next caller.
            _created.TryRemove(new KeyValuePair<string, Lazy<Task>>(name, lazy));
            throw;
        }
    }
}
