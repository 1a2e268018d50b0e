using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipeline.Functions.Tests;

/// <summary>Every log line and scope of a host, as text with its state and exception, for tests that read the logs.</summary>
internal sealed class LogCapture : ILoggerProvider, ILogger
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public ILogger CreateLogger(string categoryName) => this;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
    {
        _lines.Enqueue("scope: " + state);
        return null;
    }

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue(formatter(state, exception) + " " + state + " " + exception);

    public void Dispose()
    {
    }
}
