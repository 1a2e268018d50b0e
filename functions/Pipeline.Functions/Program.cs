using Microsoft.Azure.Functions.Worker.Builder;
using Pipeline.Functions.Configuration;
using Pipeline.Functions.Hosting;
using Pipeline.Storage.Emulator;

// Started by the Functions host (Azure, or `func start`), this is an isolated worker; started on its own
// (`dotnet run`, the tests), it is the local runner: the same functions on :7071, with Azurite and a local task hub.
if (FunctionsWorker.IsHostedBy(args, Environment.GetEnvironmentVariables()))
{
    var worker = FunctionsApplication.CreateBuilder(args);
    worker.ConfigureFunctionsWebApplication();
    worker.AddPipeline(worker.Environment.ContentRootPath, local: false);
    worker.AddFunctionsTelemetry();
    worker.Build().Run();
    return;
}

var builder = WebApplication.CreateBuilder(args);
var root = RepositoryRoot.Find(builder.Environment.ContentRootPath) ?? builder.Environment.ContentRootPath;
builder.AddFunctionsSettings(root);
builder.AddPipeline(root, local: true);

var app = builder.Build();
app.UseForwardedHeaders();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapFunctions();
app.Run();

/// <summary>The host's entry point, visible to <c>WebApplicationFactory</c>.</summary>
public partial class Program;
