namespace Pipeline.Durable.Worker;

/// <summary>Lets this process wake its own polling loops at once when it has just made work for them.</summary>
internal sealed class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim _orchestrations = new(0, 1);
    private readonly SemaphoreSlim _activities = new(0, 1);

    public void PulseOrchestrations() => Pulse(_orchestrations);

    public void PulseActivities() => Pulse(_activities);

    public Task WaitOrchestrationsAsync(TimeSpan timeout, CancellationToken cancellationToken) => _orchestrations.WaitAsync(timeout, cancellationToken);

    public Task WaitActivitiesAsync(TimeSpan timeout, CancellationToken cancellationToken) => _activities.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        _orchestrations.Dispose();
        _activities.Dispose();
    }

    private static void Pulse(SemaphoreSlim semaphore)
    {
        try
        {
            if (semaphore.CurrentCount == 0)
            {
                semaphore.Release();
            }
        }
        catch (SemaphoreFullException)
        {
        }
    }
}
