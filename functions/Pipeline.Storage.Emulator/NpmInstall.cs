using System.ComponentModel;
using System.Diagnostics;

namespace Pipeline.Storage.Emulator;

/// <summary>
/// Runs <c>npm ci</c> once when Azurite is missing from <c>node_modules</c> or <c>node_modules</c> is older than
/// <c>package-lock.json</c> (a pull changed the Node packages), serialised across processes, under its own
/// time limit (<see cref="AzuriteOptions.InstallTimeout"/>), never under the start-up timeout.
/// </summary>
internal static class NpmInstall
{
    /// <summary>Returns the path of Azurite's entry script, installing it first when needed.</summary>
    public static async Task<string> EnsureAsync(AzuriteOptions options, CancellationToken cancellationToken)
    {
        var root = options.Root;
        var script = Path.Combine(root, "node_modules", "azurite", "dist", "src", "azurite.js");
        if (Installed(root, script))
        {
            return script;
        }

        // Test assemblies start in parallel: one runs npm ci, the others wait on the lock and find it done.
        await using var gate = await AcquireAsync(Path.Combine(root, ".npm-install.lock"), cancellationToken);
        if (Installed(root, script))
        {
            return script;
        }

        options.Progress?.Invoke(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"Installing Azurite with 'npm ci' in {root}: first run only, about 550 MB (Azurite and the Node 22 it runs on), usually under 2 minutes (at most {options.InstallTimeout.TotalMinutes:0} min, Azurite:InstallTimeout)."));
        var start = new ProcessStartInfo(options.Npm)
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

        Process npm;
        try
        {
            npm = Process.Start(start) ?? throw new InvalidOperationException($"Could not start '{options.Npm}'.");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start '{options.Npm}' to install Azurite ({e.Message}): Node.js 20 or later with npm must be on PATH.", e);
        }

        using (npm)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(options.InstallTimeout);
            var stderr = npm.StandardError.ReadToEndAsync(CancellationToken.None);
            _ = npm.StandardOutput.ReadToEndAsync(CancellationToken.None);
            try
            {
                await npm.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                npm.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                throw new TimeoutException(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"'npm ci' (installing Azurite, first run only) did not finish within {options.InstallTimeout.TotalSeconds:0} s. Run 'npm ci' in {root} by hand to see what it waits for (the network to the npm registry, a full disk), or raise Azurite:InstallTimeout."));
            }

            if (npm.ExitCode != 0 || !File.Exists(script))
            {
                throw new InvalidOperationException($"'npm ci' in {root} failed with code {npm.ExitCode}: {await stderr}");
            }
        }

        return script;
    }

    /// <summary>Azurite is there, and npm's record of what it installed is not older than the lock file.</summary>
    private static bool Installed(string root, string script)
    {
        var wanted = Path.Combine(root, "package-lock.json");
        var installed = Path.Combine(root, "node_modules", ".package-lock.json");
        return File.Exists(script) && (!File.Exists(wanted) || (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(wanted)));
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
