using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Operations;
using Pipeline.InProcess;
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
    [InlineData("Waves:MaxSampleBytes", "5000000000", "MaxSampleBytes must be between 1024 and 4294967296")]
    [InlineData("Waves:MaxChunkBytes", "100000000", "MaxChunkBytes must be between 1024 and 67108864")]
    [InlineData(PipelineApplication.HubSetting + "hubName", "task-hub", "extensions.durableTask.hubName must be 3-45 letters")]
    [InlineData(PipelineApplication.HubSetting + "storageProvider:partitionCount", "17", "storageProvider: The field PartitionCount must be between 1 and 16")]
    [InlineData(PipelineApplication.HubSetting + "storageProvider:maxQueuePollingInterval", "00:00:00.010", "storageProvider: The field MaxQueuePollingInterval")]
    public async Task Start_BadSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings[key] = value;

        var error = Assert.IsAssignableFrom<OptionsValidationException>(app.StartFailure());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET123", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LocalTaskHubOnRealStorageWithoutAHubOfItsOwn_FailsNamingTheSetting()
    {
        // An account on Azure (nothing listens there: the refusal comes before any request).
        await using var app = new PipelineApplication();
        app.Settings["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=stpipelineprod;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";EndpointSuffix=core.windows.net";

        var error = Assert.IsType<InvalidOperationException>(app.StartFailure());

        Assert.Contains("is not the emulator: set DurableTask:LocalHubName", error.Message, StringComparison.Ordinal);
        Assert.Contains("joins the deployed app's task hub", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LocalTaskHubOnRealStorageWithAHubOfItsOwn_UsesThatHub()
    {
        await using var app = new PipelineApplication();
        app.Settings["AzureWebJobsStorage"] = "DefaultEndpointsProtocol=https;AccountName=stpipelineprod;AccountKey=" + Convert.ToBase64String(new byte[64]) + ";EndpointSuffix=core.windows.net";
        app.Settings[LocalTaskHub.OwnHubSetting] = "devAlice";
        app.Settings["DurableTask:RunWorker"] = "false";

        var hub = app.Services.GetRequiredService<LocalTaskHub>();

        Assert.Equal("devAlice", hub.HubName);
    }

    [Fact]
    public async Task Start_StorageRefusesTheAccountKey_StopsNamingAzureWebJobsStorage()
    {
        await using var app = new PipelineApplication { InMemoryStorage = false };
        var wrongKey = Convert.ToBase64String(new byte[64]);
        app.Settings["AzureWebJobsStorage"] = (await TestAzurite.ConnectionStringAsync()).Replace(AzuriteProcess.AccountKey, wrongKey, StringComparison.Ordinal);

        var error = Assert.IsAssignableFrom<Exception>(app.StartFailure());

        Assert.IsType<StorageRefusedException>(error);
        Assert.Contains("refused the credentials in AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrongKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StorageProbe_StorageNotAnsweringAtFirst_OneWarningLinePerAttempt_NoStackTrace_ThenStarts()
    {
        var log = new ListLogger();
        var storage = StorageSet.InMemory(TimeProvider.System);
        var blobs = new UnreachableAtFirst(storage.Blobs, failures: 3);
        var probe = new StorageProbe(blobs, storage.Tables, log) { FirstBackoff = TimeSpan.FromMilliseconds(10) };

        await probe.StartAsync(default);

        Assert.Equal(4, blobs.Calls);
        Assert.Equal(3, log.Lines.Count);
        Assert.All(log.Lines, l => Assert.Null(l.Exception));
        Assert.All(log.Lines, l => Assert.Contains("AzureWebJobsStorage", l.Message, StringComparison.Ordinal));
        Assert.Contains("attempt 2", log.Lines[1].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Analyst:Keys:0")]
    [InlineData("Operator:Keys:0", "Analyst__Keys__0")]
    [InlineData("Waves:TokenHashKey", "Analyst__Keys__0", "Operator__Keys__0")]
    [InlineData("Waves:TokenSecret", "Analyst__Keys__0", "Operator__Keys__0", "Waves__TokenHashKey")]
    public async Task Start_InProductionWithASampleSecret_ExitsNonZeroNamingTheKey(string named, params string[] ownSecrets)
    {
        // A checkout of its own without local.settings.sample.json, as on Azure, where the file is not deployed: the sample
        // values come as app settings (environment variables), and the app knows them from its build.
        var checkout = Directory.CreateTempSubdirectory("prod-start-").FullName;
        var repository = RepositoryRoot.Find()!;
        foreach (var file in new[] { "Pipeline.sln", "package.json", "host.json" })
        {
            File.Copy(Path.Combine(repository, file), Path.Combine(checkout, file));
        }

        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { WorkingDirectory = checkout, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Pipeline.Functions.dll"));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using (var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(repository, "local.settings.sample.json"))))
        {
            foreach (var setting in sample.RootElement.GetProperty("Values").EnumerateObject())
            {
                start.Environment[setting.Name] = setting.Value.GetString();
            }
        }

        foreach (var key in ownSecrets)
        {
            start.Environment[key] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }

        using var host = System.Diagnostics.Process.Start(start)!;
        var output = host.StandardOutput.ReadToEndAsync();
        var errors = host.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await host.WaitForExitAsync(limit.Token);
        Directory.Delete(checkout, recursive: true);

        Assert.NotEqual(0, host.ExitCode);
        var said = await output + await errors;
        Assert.True(said.Contains($"{named} is the sample value from local.settings.sample.json", StringComparison.Ordinal), said);
        Assert.DoesNotContain("dev-token-secret-change-me", said, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Operator:Keys:0", "@Microsoft.KeyVault(SecretUri=https://kv-pipeline.vault.azure.net/secrets/operator-key/)")]
    [InlineData("Waves:TokenSecret", "@Microsoft.KeyVault(VaultName=kv-pipeline;SecretName=token-secret)")]
    [InlineData("ResponseStorage", " @microsoft.keyvault(SecretUri=https://kv-pipeline.vault.azure.net/secrets/responses/)")]
    public async Task Start_UnresolvedKeyVaultReference_FailsNamingTheSetting(string key, string reference)
    {
        // App Service passes the reference text on when it cannot resolve it; as a key it would carry "128 bits".
        await using var app = new PipelineApplication();
        app.Settings[key] = reference;

        var error = Assert.IsType<InvalidOperationException>(app.StartFailure());

        Assert.StartsWith(key + " is a Key Vault reference that was not resolved", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("kv-pipeline", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("short-key-12345", "is too short")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "repeats one character")]
    public async Task Start_WeakOperatorKey_FailsNamingTheKey(string key, string expected)
    {
        await using var app = new PipelineApplication();
        app.Settings["Operator:Keys:0"] = key;

        var error = Assert.IsAssignableFrom<OptionsValidationException>(app.StartFailure());

        Assert.Contains("Operator:Keys:0 " + expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
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

    private sealed class ListLogger : ILogger<StorageProbe>
    {
        public List<(string Message, Exception? Exception)> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add((formatter(state, exception), exception));
    }
}
