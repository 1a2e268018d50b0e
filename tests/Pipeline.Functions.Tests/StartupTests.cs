using Microsoft.Extensions.Options;

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
}
