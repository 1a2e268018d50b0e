using Microsoft.Extensions.Logging;

namespace Pipeline.Durable.Tests;

/// <summary>Writes log lines straight to a file, for diagnosing a failing run (DURABLE_TEST_LOGS=Level, DURABLE_TEST_LOGFILE=path).</summary>
internal sealed class FileLoggerProvider(string path, string host) : ILoggerProvider
{
    private static readonly Lock Gate = new();

    public ILogger CreateLogger(string categoryName) => new FileLogger(path, host, categoryName);

    public void Dispose()
    {
    }

    private sealed class FileLogger(string path, string host, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Gate)
            {
                File.AppendAllText(path, $"{DateTime.UtcNow:HH:mm:ss.fff} {host} {logLevel} {category}: {formatter(state, exception)} {exception?.GetType().Name} {exception?.Message}\n");
            }
        }
    }
}
