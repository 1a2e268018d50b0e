using System.Diagnostics;

namespace Pipeline.Storage.Emulator;

/// <summary>Runs <c>npm ci</c> once when Azurite is missing from <c>node_modules</c>, serialised across processes.</summary>
internal static class NpmInstall
{
    /// <summary>Returns the path of Azurite's entry script, installing it first when needed.</summary>
    public static async Task<string> EnsureAsync(string root, CancellationToken cancellationToken)
    {
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (File.Exists(script))
        {
            return script;
        }

        // Test assemblies start in parallel: one runs npm ci, the others wait on the lock and find it done.
        await using var gate = await AcquireAsync(Path.Combine(root, ".npm-install.lock"), cancellationToken);
        if (File.Exists(script))
        {
            return script;
        }

        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            start.ArgumentList.Add(arg);
        }

        using var npm = Process.Start(start) ?? throw new InvalidOperationException("Could not start npm; Node.js 20+ must be on PATH.");
        var stderr = npm.StandardError.ReadToEndAsync(cancellationToken);
        _ = npm.StandardOutput.ReadToEndAsync(cancellationToken);
        await npm.WaitForExitAsync(cancellationToken);
        if (npm.ExitCode != 0 || !File.Exists(script))
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed with code {npm.ExitCode}: {await stderr}");
        }

        return script;
    }

    private static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                await Task.Delay(250, cancellationToken);
            }
        }
    }
}
