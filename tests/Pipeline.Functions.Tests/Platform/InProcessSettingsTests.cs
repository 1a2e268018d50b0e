using Pipeline.InProcess;

namespace Pipeline.Functions.Tests;

/// <summary>The in-process twin reads host.json as the Functions host hands it to the worker.</summary>
public sealed class InProcessSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("settings").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Load_HostJson_GoesUnderJobHostAndFeedsLogLevels()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.HostJson), """
            { "version": "2.0", "logging": { "logLevel": { "default": "Warning", "Pipeline.Durable": "Debug" } } }
            """);

        var values = FunctionsSettings.Load(_root);

        Assert.Equal("2.0", values["AzureFunctionsJobHost:version"]);
        Assert.Equal("Warning", values["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", values["Logging:LogLevel:Pipeline.Durable"]);
    }

    [Fact]
    public void Load_MalformedHostJson_FailsNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.HostJson), """{ "version": """);

        var error = Assert.Throws<InvalidOperationException>(() => FunctionsSettings.Load(_root));

        Assert.Contains(FunctionsSettings.HostJson, error.Message, StringComparison.Ordinal);
    }
}
