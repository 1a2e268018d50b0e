using Pipeline.Functions.Configuration;

namespace Pipeline.Functions.Tests;

public sealed class FunctionsSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("settings").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Load_LocalSettings_FlattensValuesAndKeepsHost()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.LocalSettings), """
            { "IsEncrypted": false,
              "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Wave__ReminderDays": "21" },
              "Host": { "LocalHttpPort": 7072 } }
            """);
        using var notices = new StringWriter();

        var values = FunctionsSettings.Load(_root, notices);

        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("21", values["Wave:ReminderDays"]);
        Assert.Equal("7072", values["Host:LocalHttpPort"]);
        Assert.False(values.ContainsKey("IsEncrypted"));
        Assert.Empty(notices.ToString());
    }

    [Fact]
    public void Load_OnlySample_UsesItWithOneLineNotice()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.SampleSettings), """{ "Values": { "A": "from-sample" } }""");
        using var notices = new StringWriter();

        var values = FunctionsSettings.Load(_root, notices);

        Assert.Equal("from-sample", values["A"]);
        Assert.Single(notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(FunctionsSettings.SampleSettings, notices.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LocalSettingsPresent_IgnoresSample()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.SampleSettings), """{ "Values": { "A": "sample" } }""");
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.LocalSettings), """{ "Values": { "A": "local" } }""");

        Assert.Equal("local", FunctionsSettings.Load(_root, TextWriter.Null)["A"]);
    }

    [Fact]
    public void Load_HostJson_GoesUnderJobHostAndFeedsLogLevels()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.HostJson), """
            { "version": "2.0", "logging": { "logLevel": { "default": "Warning", "Pipeline.Durable": "Debug" } } }
            """);

        var values = FunctionsSettings.Load(_root, TextWriter.Null);

        Assert.Equal("2.0", values["AzureFunctionsJobHost:version"]);
        Assert.Equal("Warning", values["Logging:LogLevel:Default"]);
        Assert.Equal("Debug", values["Logging:LogLevel:Pipeline.Durable"]);
    }

    [Fact]
    public void Load_MalformedJson_FailsNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_root, FunctionsSettings.LocalSettings), """{ "Values": { "A": """);

        var error = Assert.Throws<InvalidOperationException>(() => FunctionsSettings.Load(_root, TextWriter.Null));

        Assert.Contains(FunctionsSettings.LocalSettings, error.Message, StringComparison.Ordinal);
    }
}
