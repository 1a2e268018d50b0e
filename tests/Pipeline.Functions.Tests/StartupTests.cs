using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage;
using Pipeline.Storage.Emulator;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>Bad configuration fails at start-up, with a message that names the key.</summary>
public sealed class StartupTests
{
    [Theory]
    [InlineData("AzureWebJobsStorage", "", "AzureWebJobsStorage is required")]
    [InlineData("AzureWebJobsStorage", "DefaultEndpointsProtocol=http;AccountKey=SECRET123", "AzureWebJobsStorage is not a valid storage connection string")]
    [InlineData("Storage:RetryAttempts", "0", "RetryAttempts")]
    [InlineData("Azurite:Location", "", "Azurite:Location is required")]
    public async Task Start_BadSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings[key] = value;

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.CreateClient());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_BadLocalHttpPort_FailsNamingTheKey()
    {
        await using var app = new PipelineApplication();
        app.Settings["Host:LocalHttpPort"] = "seventy";
        app.Settings["urls"] = string.Empty;

        var error = Assert.ThrowsAny<InvalidOperationException>(() => app.CreateClient());

        Assert.Contains("Host:LocalHttpPort", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_StorageRefusesTheAccountKey_StopsNamingAzureWebJobsStorage()
    {
        await using var app = new PipelineApplication { InMemoryStorage = false };
        var wrongKey = Convert.ToBase64String(new byte[64]);
        app.Settings["AzureWebJobsStorage"] = (await TestAzurite.ConnectionStringAsync()).Replace(AzuriteProcess.AccountKey, wrongKey, StringComparison.Ordinal);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.IsType<Hosting.StorageRefusedException>(error);
        Assert.Contains("refused the credentials in AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageProbe_StorageNotAnsweringAtFirst_OneWarningLinePerAttempt_NoStackTrace_ThenStarts()
    {
        var log = new ListLogger();
        var storage = StorageSet.InMemory(TimeProvider.System);
        var blobs = new UnreachableAtFirst(storage.Blobs, failures: 3);
        var probe = new Hosting.StorageProbe(blobs, storage.Tables, log) { FirstBackoff = TimeSpan.FromMilliseconds(10) };

        await probe.StartAsync(default);

        Assert.Equal(4, blobs.Calls);
        Assert.Equal(3, log.Lines.Count);
        Assert.All(log.Lines, l => Assert.Null(l.Exception));
        Assert.All(log.Lines, l => Assert.Contains("AzureWebJobsStorage", l.Message, StringComparison.Ordinal));
        Assert.Contains("attempt 2", log.Lines[1].Message, StringComparison.Ordinal);
    }

    private sealed class UnreachableAtFirst(IBlobStore inner, int failures) : IBlobStore
    {
        public int Calls { get; private set; }

        public Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default) => inner.PutAsync(container, name, content, condition, cancellationToken);

        public Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default) => inner.GetAsync(container, name, cancellationToken);

        public Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default) =>
            ++Calls <= failures ? throw new StoreException("list: storage unreachable (Connection refused).") : inner.ListAsync(container, prefix, pageSize, continuation, cancellationToken);

        public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, ifMatch, cancellationToken);
    }

    private sealed class ListLogger : ILogger<Hosting.StorageProbe>
    {
        public List<(string Message, Exception? Exception)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((formatter(state, exception), exception));
    }
}
