using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipeline.Durable.Client;
using Pipeline.Durable.Worker;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Durable.Tests;

/// <summary>
/// A worker host over given stores (shared by several hosts to make them one task hub), with the test
/// orchestrators and activities, a fake clock, and a fault injector.
/// </summary>
internal sealed class DurableTestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private DurableTestHost(IHost host) => _host = host;

    public DurableTaskClient Client => _host.Services.GetRequiredService<DurableTaskClient>();

    public IServiceProvider Services => _host.Services;

    public static async Task<DurableTestHost> StartAsync(TestStores stores, IFaultInjector? faults = null, Action<Dictionary<string, string?>>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var values = new Dictionary<string, string?>
        {
            ["DurableTask:HubName"] = stores.HubName,
            ["DurableTask:PollInterval"] = "00:00:00.020",
            ["DurableTask:LeaseDuration"] = "00:00:30",
        };
        settings?.Invoke(values);
        builder.Configuration.AddInMemoryCollection(values);
        builder.Logging.ClearProviders();
        if (Environment.GetEnvironmentVariable("DURABLE_TEST_LOGS") is { } level)
        {
            var file = Environment.GetEnvironmentVariable("DURABLE_TEST_LOGFILE") ?? Path.Combine(Path.GetTempPath(), "durable-tests.log");
            builder.Logging.AddProvider(new FileLoggerProvider(file, faults?.GetHashCode().ToString("x", System.Globalization.CultureInfo.InvariantCulture) ?? "-")).SetMinimumLevel(Enum.Parse<LogLevel>(level));
        }

        builder.Services.AddSingleton(stores.Time);
        builder.Services.AddSingleton(stores.Blobs);
        builder.Services.AddSingleton(stores.Tables);
        builder.Services.AddSingleton(stores.Probe);
        builder.Services.AddSingleton<IFaultInjector>(faults ?? new Faults());
        builder.Services.AddDurableTask(TestTasks.Register);
        var host = builder.Build();
        await host.StartAsync();
        return new DurableTestHost(host);
    }

    private bool _disposed;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _host.StopAsync(stop.Token);
        _host.Dispose();
    }
}

/// <summary>Throws a simulated crash at chosen points, a chosen number of times.</summary>
internal sealed class Faults : IFaultInjector
{
    private readonly Lock _gate = new();
    private readonly Dictionary<FaultPoint, int> _remaining = [];

    private readonly List<FaultPoint> _fired = [];

    /// <summary>The points that threw so far, copied under the lock: workers add to them while a test reads.</summary>
    public IReadOnlyList<FaultPoint> Fired
    {
        get
        {
            lock (_gate)
            {
                return [.. _fired];
            }
        }
    }

    /// <summary>When set, every point throws: the worker behaves as if its process had died.</summary>
    public bool Dead { get; set; }

    public Faults CrashAt(FaultPoint point, int times = 1)
    {
        lock (_gate)
        {
            _remaining[point] = times;
        }

        return this;
    }

    public void At(FaultPoint point, string instanceId)
    {
        lock (_gate)
        {
            if (Dead)
            {
                throw new SimulatedCrashException(point);
            }

            if (_remaining.TryGetValue(point, out var left) && left > 0)
            {
                _remaining[point] = left - 1;
                _fired.Add(point);
                throw new SimulatedCrashException(point);
            }
        }
    }
}

internal sealed class SimulatedCrashException(FaultPoint point) : Exception($"Simulated crash at {point}");
