using Pipeline.Storage.Emulator;

namespace Pipeline.InProcess;

/// <summary>
/// The in-process twin as a program: what <c>WebApplicationFactory</c> starts in the tests, and what the benchmarks run
/// as a process to compare with the worker under the local Functions host. Settings come from host.json, the
/// environment and the command line (no local.settings.json: command 1 is the local Functions host's).
/// </summary>
public sealed class InProcessProgram
{
    private InProcessProgram()
    {
    }

    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        var root = RepositoryRoot.Find(builder.Environment.ContentRootPath) ?? builder.Environment.ContentRootPath;
        builder.AddInProcessHost(root);
        var app = builder.Build();
        app.UseInProcessHost();
        app.Run();
    }
}
