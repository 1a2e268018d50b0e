using System.Diagnostics;

namespace Pipeline.Testing;

/// <summary>A durable worker in its own process (<c>Pipeline.Benchmarks worker</c>), for tests that kill it with SIGKILL.</summary>
internal static class WorkerProcess
{
    /// <summary>Starts a worker on <paramref name="hub"/> with a 5 s lease and waits until it says it is ready.</summary>
    public static Process Start(string connection, string hub, params string[] more)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Pipeline.Benchmarks.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { dll, "worker", "--storage", connection, "--hub", hub, "--poll", "00:00:00.200", "--visibility", "00:00:15" }.Concat(more))
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLine();
        Assert.Equal("worker ready", ready);
        return process;
    }
}
