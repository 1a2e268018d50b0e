using System.Diagnostics;
using Pipeline.Storage.Emulator;

namespace Pipeline.Storage.Tests;

/// <summary>
/// The first run's install of Azurite, with a fake <c>npm</c>: slower than the start timeout it still succeeds and
/// says what it does; past its own limit it fails naming <c>npm ci</c> and what to do.
/// </summary>
public sealed class AzuriteProcessTests : IDisposable
{
    // Stands in for Azurite: listens on the three ports it is given.
    private const string FakeAzurite = """
        const net = require('net');
        for (const flag of ['--blobPort', '--queuePort', '--tablePort']) {
          net.createServer(s => s.end()).listen(+process.argv[process.argv.indexOf(flag) + 1], '127.0.0.1');
        }
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("npm-fake-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string FakeNpm(int seconds)
    {
        var script = Path.Combine(_root, "npm");
        var azurite = Path.Combine(_root, "fake-azurite.js");
        File.WriteAllText(azurite, FakeAzurite);
        File.WriteAllText(script, $"""
            #!/bin/sh
            sleep {seconds}
            mkdir -p node_modules/azurite/dist/src
            cp "{azurite}" node_modules/azurite/dist/src/azurite.js
            """);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return script;
    }

    [Fact]
    public async Task StartAsync_InstallSlowerThanTheStartTimeout_Succeeds_AndSaysItIsInstalling()
    {
        var said = new List<string>();
        var clock = Stopwatch.StartNew();

        await using var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Root = _root,
            // The install outlasts the start timeout; the timeout itself leaves Azurite room to start on a loaded machine
            // (the test projects run side by side on two cores).
            Npm = FakeNpm(seconds: 16),
            BlobPort = AzuriteProcess.FreePort(),
            QueuePort = AzuriteProcess.FreePort(),
            TablePort = AzuriteProcess.FreePort(),
            StartTimeout = TimeSpan.FromSeconds(15),
            Progress = said.Add,
        });

        Assert.True(clock.Elapsed > TimeSpan.FromSeconds(16));
        Assert.True(AzuriteProcess.IsListening(azurite.Options.TablePort));
        Assert.Contains("Installing Azurite with 'npm ci'", Assert.Single(said), StringComparison.Ordinal);
        Assert.Contains("first run only", said[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_InstallPastItsLimit_TimeoutNamesNpmCiAndWhatToDo()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Root = _root,
            Npm = FakeNpm(seconds: 30),
            InstallTimeout = TimeSpan.FromSeconds(1),
        }));

        Assert.Contains("'npm ci'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Azurite:InstallTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_NoNpm_SaysNodeMustBeOnPath()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Root = _root,
            Npm = Path.Combine(_root, "no-such-npm"),
        }));

        Assert.Contains("Node.js", error.Message, StringComparison.Ordinal);
    }
}
