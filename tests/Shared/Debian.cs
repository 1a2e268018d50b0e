using System.Diagnostics;

namespace Pipeline.Testing;

/// <summary>
/// Debian packages the tests need (Chromium, poppler's PDF tools), installed by the tests themselves when missing (as
/// root, or through passwordless sudo): <c>apt-get install</c>, once per machine, under a lock shared by test processes.
/// </summary>
internal static class Debian
{
    private static readonly SemaphoreSlim Gate = new(1, 1);

    /// <summary>Installs <paramref name="package"/> unless <paramref name="path"/> exists; returns <paramref name="path"/>.</summary>
    public static async Task<string> EnsureAsync(string package, string path)
    {
        if (File.Exists(path))
        {
            return path;
        }

        await Gate.WaitAsync();
        try
        {
            using var machineLock = await LockAsync();
            if (!File.Exists(path))
            {
                var sudo = Environment.UserName == "root" ? string.Empty : "sudo -n ";
                await RunAsync($"{sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq --no-install-recommends {package}");
            }
        }
        finally
        {
            Gate.Release();
        }

        return File.Exists(path) ? path : throw new InvalidOperationException($"apt-get installed {package}, but {path} is still missing.");
    }

    private static async Task RunAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Installing failed (exit {process.ExitCode}): {command}\n{await output}\n{await error}");
        }
    }

    private static async Task<FileStream> LockAsync()
    {
        // One lock for every package: two apt-get runs at once fail on dpkg's own lock.
        var path = Path.Combine(Path.GetTempPath(), "pipeline-apt-install.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 600)
            {
                await Task.Delay(500);
            }
        }
    }
}
