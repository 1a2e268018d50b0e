namespace Pipeline.LocalHost.Tests;

/// <summary>The app settings command 1 hands the worker, as <c>func start</c> reads them.</summary>
public sealed class LocalSettingsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("settings").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Load_LocalSettings_FlattensValuesAndKeepsHostPort()
    {
        File.WriteAllText(Path.Combine(_root, "local.settings.json"), """
            { "IsEncrypted": false,
              "Values": { "AzureWebJobsStorage": "UseDevelopmentStorage=true", "Wave__ReminderDays": "21" },
              "Host": { "LocalHttpPort": 7072 } }
            """);
        using var notices = new StringWriter();

        var values = LocalSettings.Load(_root, [], notices);

        Assert.Equal("UseDevelopmentStorage=true", values["AzureWebJobsStorage"]);
        Assert.Equal("21", values["Wave:ReminderDays"]);
        Assert.Equal("7072", values["Host:LocalHttpPort"]);
        Assert.False(values.ContainsKey("IsEncrypted"));
        Assert.Empty(notices.ToString());
    }

    [Fact]
    public void Load_OnlySample_UsesItWithOneLineNotice()
    {
        File.WriteAllText(Path.Combine(_root, "local.settings.sample.json"), """{ "Values": { "A": "from-sample" } }""");
        using var notices = new StringWriter();

        var values = LocalSettings.Load(_root, [], notices);

        Assert.Equal("from-sample", values["A"]);
        Assert.Single(notices.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("local.settings.sample.json", notices.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LocalSettingsPresent_IgnoresSample_AndArgumentsWin()
    {
        File.WriteAllText(Path.Combine(_root, "local.settings.sample.json"), """{ "Values": { "A": "sample", "B": "sample" } }""");
        File.WriteAllText(Path.Combine(_root, "local.settings.json"), """{ "Values": { "A": "local", "B": "local" } }""");

        var values = LocalSettings.Load(_root, ["--B=argument", "--Demo:Enabled=true"], TextWriter.Null);

        Assert.Equal("local", values["A"]);
        Assert.Equal("argument", values["B"]);
        Assert.Equal("true", values["Demo:Enabled"]);
    }

    [Fact]
    public void Load_MalformedJson_FailsNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_root, "local.settings.json"), """{ "Values": { "A": """);

        var error = Assert.Throws<InvalidOperationException>(() => LocalSettings.Load(_root, [], TextWriter.Null));

        Assert.Contains("local.settings.json", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, null, "http://localhost:7071")]
    [InlineData(null, "7072", "http://localhost:7072")]
    [InlineData("http://127.0.0.1:9000", "seventy", "http://127.0.0.1:9000")]
    public void Urls_UrlsElsePort(string? urls, string? port, string expected)
    {
        Assert.Equal(expected, LocalSettings.Urls(new Dictionary<string, string?> { ["urls"] = urls, ["Host:LocalHttpPort"] = port }));
    }

    [Theory]
    [InlineData("seventy")]
    [InlineData("0")]
    [InlineData("70000")]
    public void Urls_BadPort_FailsNamingTheKey(string port)
    {
        var error = Assert.Throws<InvalidOperationException>(() => LocalSettings.Urls(new Dictionary<string, string?> { ["Host:LocalHttpPort"] = port }));

        Assert.Contains("Host:LocalHttpPort", error.Message, StringComparison.Ordinal);
    }
}
