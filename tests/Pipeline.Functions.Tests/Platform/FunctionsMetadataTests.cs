using System.Diagnostics;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Platform;
using Pipeline.Storage.Emulator;

namespace Pipeline.Functions.Tests;

/// <summary>
/// <c>dotnet publish -c Release</c> of the app, once for the class: a deployable isolated-worker app whose
/// <c>functions.metadata</c> (what the Functions host reads) says, for every function, the trigger, route, methods,
/// key level, schedule or queue and the bindings that its attributes say.
/// </summary>
public sealed class FunctionsMetadataTests(FunctionsMetadataTests.Published published) : IClassFixture<FunctionsMetadataTests.Published>
{
    [Fact]
    public void Publish_DeployableApp_WorkerConfigHostJsonExtensions()
    {
        foreach (var file in new[] { "functions.metadata", "worker.config.json", "extensions.json", "host.json", "Pipeline.Functions.dll" })
        {
            Assert.True(File.Exists(Path.Combine(published.Folder, file)), $"{file} is missing from the published app");
        }

        Assert.False(File.Exists(Path.Combine(published.Folder, "local.settings.json")), "local.settings.json must never be published");
        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "worker.config.json")));
        Assert.Equal("Pipeline.Functions.dll", worker.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString());
        var extensions = File.ReadAllText(Path.Combine(published.Folder, "extensions.json"));
        // The host's own timer and HTTP triggers need no extension; Durable Functions and the queue trigger do.
        foreach (var extension in new[] { "\"DurableTask\"", "\"AzureStorageQueues\"" })
        {
            Assert.Contains(extension, extensions, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The app is a worker and nothing else: no task hub backend (the Functions host's Durable extension owns it), no
    /// local host, in-process twin or Azurite code, and no type of a local mode.
    /// </summary>
    [Fact]
    public void Publish_CarriesNoLocalMode()
    {
        var files = Directory.GetFiles(published.Folder).Select(Path.GetFileName).ToList();
        foreach (var local in new[] { "DurableTask.AzureStorage.dll", "Pipeline.InProcess.dll", "Pipeline.LocalHost.dll", "Pipeline.Storage.Emulator.dll", "local.settings.sample.json" })
        {
            Assert.DoesNotContain(local, files);
        }

        var app = typeof(FunctionCatalog).Assembly;
        Assert.DoesNotContain(app.GetReferencedAssemblies(), a => a.Name is "DurableTask.AzureStorage" or "Pipeline.Storage.Emulator" or "Pipeline.InProcess");
        Assert.DoesNotContain(app.GetTypes(), t => t.Name.StartsWith("Local", StringComparison.Ordinal) || t.Name.Contains("Azurite", StringComparison.Ordinal));
        Assert.DoesNotContain(typeof(Pipeline.Storage.StorageOptions).Assembly.GetTypes(), t => t.Name.Contains("Azurite", StringComparison.Ordinal));
    }

    [Fact]
    public void Metadata_EveryFunction_AsItsAttributesSay()
    {
        var metadata = published.Functions;
        Assert.Equal(FunctionCatalog.All.Select(f => f.Name).Order(), metadata.Keys.Order());
        foreach (var function in FunctionCatalog.All)
        {
            var entry = metadata[function.Name];
            Assert.Equal("Pipeline.Functions.dll", entry.GetProperty("scriptFile").GetString());
            Assert.Equal($"{function.Method.DeclaringType!.FullName}.{function.Method.Name}", entry.GetProperty("entryPoint").GetString());
            var bindings = entry.GetProperty("bindings").EnumerateArray().ToList();
            var trigger = Assert.Single(bindings, b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
            switch (function.Trigger)
            {
                case HttpTriggerAttribute http:
                    Assert.Equal("httpTrigger", trigger.GetProperty("type").GetString());
                    Assert.Equal(http.Route, trigger.GetProperty("route").GetString());
                    Assert.Equal(http.Methods, trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
                    Assert.Equal(nameof(AuthorizationLevel.Anonymous), trigger.GetProperty("authLevel").GetString());
                    Assert.Single(bindings, b => b.GetProperty("type").GetString() == "http" && b.GetProperty("name").GetString() == "$return");
                    break;
                case TimerTriggerAttribute timer:
                    Assert.Equal("timerTrigger", trigger.GetProperty("type").GetString());
                    Assert.Equal(timer.Schedule, trigger.GetProperty("schedule").GetString());
                    Assert.Matches("^%[A-Za-z]+:[A-Za-z]+%$", timer.Schedule);
                    break;
                case QueueTriggerAttribute queue:
                    Assert.Equal("queueTrigger", trigger.GetProperty("type").GetString());
                    Assert.Equal(queue.QueueName, trigger.GetProperty("queueName").GetString());
                    Assert.Equal("AzureWebJobsStorage", trigger.GetProperty("connection").GetString());
                    break;
                case OrchestrationTriggerAttribute:
                    Assert.Equal("orchestrationTrigger", trigger.GetProperty("type").GetString());
                    break;
                case ActivityTriggerAttribute:
                    Assert.Equal("activityTrigger", trigger.GetProperty("type").GetString());
                    break;
                default:
                    Assert.Fail($"Function {function.Name} has a trigger the tests do not know: {function.Trigger.GetType().Name}");
                    break;
            }

            var durableClient = function.Method.GetParameters().Any(p => p.GetCustomAttributes(typeof(DurableClientAttribute), false).Length > 0);
            Assert.Equal(durableClient, bindings.Any(b => b.GetProperty("type").GetString() == "durableClient"));
        }
    }

    [Theory]
    [InlineData("StartWave", "post", "api/waves/{id}/start", true)]
    [InlineData("RaiseWaveEvent", "post", "api/waves/{id}/events/{name}", true)]
    [InlineData("GetLetter", "get", "api/waves/{id}/letters/{*name}", false)]
    [InlineData("SubmitResponse", "post", "api/responses", false)]
    [InlineData("FormShow", "get", "form", false)]
    [InlineData("FormStart", "get", "{ignored:maxlength(0)?}", false)]
    [InlineData("FormEnterToken", "post", "{ignored:maxlength(0)?}", false)]
    [InlineData("Dashboard", "get", "dashboard/{id}", false)]
    [InlineData("Health", "get", "api/health", false)]
    public void Metadata_RoutesAsTheApiDocumentsThem(string name, string method, string route, bool durableClient)
    {
        var bindings = published.Functions[name].GetProperty("bindings").EnumerateArray().ToList();
        var trigger = bindings.Single(b => b.GetProperty("type").GetString() == "httpTrigger");
        Assert.Equal(route, trigger.GetProperty("route").GetString());
        Assert.Equal([method], trigger.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(durableClient, bindings.Any(b => b.GetProperty("type").GetString() == "durableClient"));
    }

    /// <summary>
    /// For every HTTP function of the published metadata, the route the Functions host serves, the route the worker's
    /// endpoint table maps and the route the local runner maps are one, and none is the host's own.
    /// </summary>
    [Fact]
    public async Task Routes_HostWorkerAndLocalRunner_ServeEveryHttpFunctionAtOneRoute_NoneReserved()
    {
        using var hostJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "host.json")));
        var prefix = hostJson.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString()!;
        await using var app = new PipelineApplication();
        _ = app.CreateClient();
        var local = app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>().ToDictionary(e => e.DisplayName!, e => Normal(e.RoutePattern.RawText!));
        var http = published.Functions.Where(f => f.Value.GetProperty("bindings").EnumerateArray().Any(b => b.GetProperty("type").GetString() == "httpTrigger")).ToList();
        Assert.NotEmpty(http);
        foreach (var (name, function) in http)
        {
            var trigger = function.GetProperty("bindings").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "httpTrigger");
            var route = trigger.TryGetProperty("route", out var r) ? r.GetString() : null;

            // azure-functions-host src/WebJobs.Script/Host/ScriptHost.cs, ValidateHttpFunction: a blank route becomes the
            // function's name, and a route starting with "admin" or "runtime" (trimmed of '/', lower case) is refused.
            var hostRoute = string.IsNullOrWhiteSpace(route) ? name : route;
            var reserved = hostRoute.Trim('/').ToLowerInvariant();
            Assert.False(reserved.StartsWith("admin", StringComparison.Ordinal) || reserved.StartsWith("runtime", StringComparison.Ordinal), $"{name}: route '{hostRoute}' conflicts with the host's built-in routes");

            // azure-webjobs-sdk-extensions WebJobsRouteBuilder.MapFunctionRoute: the prefix, '/', the route (no prefix: the
            // route alone); ASP.NET Core's RoutePatternParser trims one leading '/'.
            var host = Normal(string.IsNullOrEmpty(prefix) ? hostRoute : prefix + "/" + hostRoute);

            // azure-functions-dotnet-worker Worker.Extensions.Http.AspNetCore FunctionsEndpointDataSource:
            // routeSuffix = functionBinding.Route ?? functionName; route = $"{routePrefix}/{routeSuffix}".
            var worker = Normal($"{prefix}/{route ?? name}");

            Assert.Equal(host, worker);
            Assert.True(local.TryGetValue(name, out var runner), $"{name} is not mapped by the local runner");
            Assert.Equal(host, runner);
        }
    }

    private static string Normal(string template) =>
        "/" + Microsoft.AspNetCore.Routing.Patterns.RoutePatternFactory.Parse(template).RawText!.TrimStart('~').TrimStart('/');

    [Fact]
    public void HostJson_RoutePrefixEmpty_QueuesPollWithinSeconds()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "host.json")));
        var extensions = host.RootElement.GetProperty("extensions");
        Assert.Equal(string.Empty, extensions.GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.True(TimeSpan.Parse(extensions.GetProperty("queues").GetProperty("maxPollingInterval").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromSeconds(5));
    }

    /// <summary>The app published once into a temporary folder, and its metadata by function name.</summary>
    public sealed class Published : IDisposable
    {
        public Published()
        {
            var root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("No checkout root above the test binaries.");
            Folder = Path.Combine(Path.GetTempPath(), "pipeline-publish-" + Guid.NewGuid().ToString("N")[..8]);
            var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(root, "functions", "Pipeline.Functions"), "-c", "Release", "-o", Folder, "-nologo", "-v", "q"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = root,
            };
            using var publish = Process.Start(start)!;
            var output = publish.StandardOutput.ReadToEndAsync();
            var errors = publish.StandardError.ReadToEndAsync();
            if (!publish.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                publish.Kill(entireProcessTree: true);
                throw new TimeoutException("dotnet publish took more than 5 minutes.");
            }

            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish failed ({publish.ExitCode}):\n{output.Result}\n{errors.Result}");
            }

            using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "functions.metadata")));
            Functions = document.RootElement.EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.Clone());
        }

        public string Folder { get; }

        public Dictionary<string, JsonElement> Functions { get; }

        public void Dispose()
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
