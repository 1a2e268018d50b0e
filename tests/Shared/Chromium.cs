using System.Diagnostics;

namespace Pipeline.Testing;

/// <summary>
/// Debian's Chromium for the browser tests, installed by the tests themselves when missing (as root, or through
/// passwordless sudo): <c>apt-get install chromium</c>, once per machine, under a lock shared by test processes.
/// Playwright's own browser download is never used.
/// </summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    private static readonly SemaphoreSlim Gate = new(1, 1);

    public static async Task<string> EnsureAsync()
    {
        if (File.Exists(Path))
        {
            return Path;
        }

        await Gate.WaitAsync();
        try
        {
            using var machineLock = await LockAsync();
            if (!File.Exists(Path))
            {
                var sudo = Environment.UserName == "root" ? string.Empty : "sudo -n ";
                await RunAsync($"{sudo}apt-get update -qq && DEBIAN_FRONTEND=noninteractive {sudo}apt-get install -y -qq --no-install-recommends chromium");
            }
        }
        finally
        {
            Gate.Release();
        }

        return File.Exists(Path) ? Path : throw new InvalidOperationException($"apt-get ran, but {Path} is still missing.");
    }

    /// <summary>The launch flags for headless Chromium on a closed network, as root.</summary>
    public static readonly IReadOnlyList<string> Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private static async Task RunAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Installing Chromium failed (exit {process.ExitCode}): {command}\n{await output}\n{await error}");
        }
    }

    private static async Task<FileStream> LockAsync()
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pipeline-chromium-install.lock");
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
