using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.LocalHost.Durable;
using Pipeline.Storage.Emulator;

namespace Pipeline.LocalHost.Tests;

/// <summary>The local host's task hub: Durable Functions' settings from the app's host.json, and never the deployed hub.</summary>
public sealed class TaskHubSettingsTests
{
    private const string Azure = "DefaultEndpointsProtocol=https;AccountName=stpipelineprod;AccountKey=AAAA;EndpointSuffix=core.windows.net";

    private static string App => LocalSettings.BuiltApp(RepositoryRoot.Find()!);

    [Fact]
    public void Read_TheAppsHostJson_HubAndStorageProvider()
    {
        var settings = TaskHubSettings.Read(App, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true" }, NullLoggerFactory.Instance);

        Assert.Equal("PipelineHub", settings.TaskHubName);
        Assert.Equal(1, settings.PartitionCount);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.MaxQueuePollingInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), settings.PartitionTableOperationTimeout);
    }

    [Fact]
    public void Read_RealStorageWithoutAHubOfItsOwn_RefusedNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => TaskHubSettings.Read(App, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azure }, NullLoggerFactory.Instance));

        Assert.Contains("set DurableTask:LocalHubName", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RealStorageWithAHubOfItsOwn_ThatHub()
    {
        var settings = TaskHubSettings.Read(App, new Dictionary<string, string?> { ["AzureWebJobsStorage"] = Azure, [TaskHubSettings.OwnHub] = "devAlice" }, NullLoggerFactory.Instance);

        Assert.Equal("devAlice", settings.TaskHubName);
    }
}
