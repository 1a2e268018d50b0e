using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipeline.Storage.Emulator;

/// <summary>
/// An Azurite child process from the checkout's <c>node_modules</c>, installed by <c>npm ci</c> when missing (under its own
/// time limit, not the start timeout).
/// Disposing stops it: SIGTERM when it persists to disk, SIGKILL when in memory (it ignores SIGTERM then).
/// </summary>
public sealed class AzuriteProcess : IAsyncDisposable
{
    /// <summary>Azurite's well-known development account key.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Process _process;
    private readonly bool _inMemory;

    private AzuriteProcess(Process process, AzuriteOptions options)
    {
        _process = process;
        ProcessId = process.Id;
        _inMemory = options.Location is null;
        Options = options;
    }

    public AzuriteOptions Options { get; }

    public int ProcessId { get; }

    /// <summary>A connection string for this instance's three endpoints.</summary>
    public string ConnectionString => ConnectionStringFor(Options.BlobPort, Options.QueuePort, Options.TablePort);

    public static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AccountKey
        + $";BlobEndpoint=http://127.0.0.1:{blobPort}/devstoreaccount1"
        + $";QueueEndpoint=http://127.0.0.1:{queuePort}/devstoreaccount1"
        + $";TableEndpoint=http://127.0.0.1:{tablePort}/devstoreaccount1;";

    /// <summary>Installs Azurite if needed, starts it and waits until all three ports listen.</summary>
    public static async Task<AzuriteProcess> StartAsync(AzuriteOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var script = await NpmInstall.EnsureAsync(options, cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);

        // The Node 22 that package.json brings (npm package 'node'): Azurite 3.37 wants it, whatever Node runs npm.
        var projectNode = Path.Combine(options.Root, "node_modules", ".bin", "node");
        var start = new ProcessStartInfo(File.Exists(projectNode) ? projectNode : "node")
        {
            WorkingDirectory = options.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(script, options))
        {
            start.ArgumentList.Add(arg);
        }

        if (options.Location is not null)
        {
            Directory.CreateDirectory(options.Location);
        }

        var output = new OutputTail();
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node for Azurite.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start '{start.FileName}' for Azurite ({e.Message}): run 'npm ci' in {options.Root}, or put Node.js 22 on PATH.", e);
        }

        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var azurite = new AzuriteProcess(process, options);
        try
        {
            while (!(IsListening(options.BlobPort) && IsListening(options.QueuePort) && IsListening(options.TablePort)))
            {
                if (process.HasExited)
                {
                    throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening on {options.BlobPort}-{options.TablePort}: {output}");
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await azurite.DisposeAsync();
            throw new TimeoutException($"Azurite did not listen on ports {options.BlobPort}, {options.QueuePort} and {options.TablePort} within {options.StartTimeout.TotalSeconds:0} s (on a loaded machine, raise the start timeout): {output}");
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        return azurite;
    }

    /// <summary>True when something accepts TCP connections on 127.0.0.1:<paramref name="port"/>.</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(500)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A port nothing listens on, for a process about to bind it. Taken outside Linux's ephemeral range (32768-60999):
    /// a port from that range can be handed to any process's outgoing connection between this check and the bind
    /// (EADDRINUSE in Azurite, seen when test projects run side by side).
    /// </summary>
    public static int FreePort()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process.HasExited)
        {
            _process.Dispose();
            return;
        }

        if (!_inMemory && !OperatingSystem.IsWindows())
        {
            // SIGTERM lets Azurite flush its disk store; Process.Kill only sends SIGKILL.
            using (var term = Process.Start("kill", ["-TERM", ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static IEnumerable<string> Arguments(string script, AzuriteOptions options)
    {
        yield return script;
        yield return "--silent";
        yield return "--skipApiVersionCheck";
        yield return "--loose";
        yield return "--disableProductStyleUrl";

        // Without it Azurite can take 25 s and more to exit after SIGTERM.
        yield return "--disableTelemetry";
        foreach (var (flag, port) in new[] { ("--blobPort", options.BlobPort), ("--queuePort", options.QueuePort), ("--tablePort", options.TablePort) })
        {
            yield return flag;
            yield return port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.Location is null)
        {
            yield return "--inMemoryPersistence";
        }
        else
        {
            yield return "--location";
            yield return options.Location;
        }
    }

    /// <summary>The last lines Azurite printed, for a start-up error.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> _lines = new();

        public void Add(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_lines)
            {
                _lines.Enqueue(line);
                while (_lines.Count > 20)
                {
                    _lines.Dequeue();
                }
            }
        }

        public override string ToString()
        {
            lock (_lines)
            {
                return _lines.Count == 0 ? "(no output)" : string.Join(" | ", _lines);
            }
        }
    }
}
