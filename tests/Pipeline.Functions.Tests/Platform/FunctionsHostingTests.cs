using System.Net;
using Microsoft.ApplicationInsights;
using Microsoft.ApplicationInsights.Channel;
using Microsoft.ApplicationInsights.DataContracts;
using Microsoft.ApplicationInsights.Extensibility;
using Microsoft.AspNetCore.Routing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.DurableTask;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Platform;
using Pipeline.Functions.WaveRun;
using Pipeline.InProcess;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The two hosts of the same function classes: the local runner serves exactly the functions' attributes, the
/// Functions worker's services build every function class, the task hub's classes each have their function, and
/// telemetry leaves without tokens, keys or addresses.
/// </summary>
public sealed class FunctionsHostingTests
{
    [Fact]
    public async Task LocalRunner_ServesEveryHttpFunction_AtItsAttributesRouteAndMethods_AndNothingElse()
    {
        await using var app = new PipelineApplication();
        _ = app.CreateClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var functions = FunctionCatalog.Of<HttpTriggerAttribute>().ToList();
        Assert.Equal(functions.Count, endpoints.Count);
        foreach (var function in functions)
        {
            var trigger = function.TriggerAs<HttpTriggerAttribute>();
            var endpoint = Assert.Single(endpoints, e => e.DisplayName == function.Name);
            Assert.Equal("/" + trigger.Route, endpoint.RoutePattern.RawText); // host.json's routePrefix is empty
            Assert.Equal(trigger.Methods!.Select(m => m.ToUpperInvariant()), endpoint.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods);
        }
    }

    [Theory]
    [InlineData("GET", "/", HttpStatusCode.OK)]
    [InlineData("GET", "/?lang=fr", HttpStatusCode.OK)]
    [InlineData("GET", "/FormStart", HttpStatusCode.NotFound)] // where the host would serve an empty route
    [InlineData("PUT", "/api/responses", HttpStatusCode.NotFound)] // a wrong method is no match on the host: 404, not 405
    [InlineData("DELETE", "/", HttpStatusCode.NotFound)]
    [InlineData("GET", "/api/health", HttpStatusCode.OK)]
    [InlineData("GET", "/admin/functions", HttpStatusCode.NotFound)]
    public async Task LocalRunner_AnswersAsTheHostRoutes(string method, string path, HttpStatusCode expected)
    {
        await using var app = new PipelineApplication();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await app.CreateClient().SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("Responses:ReleaseSchedule", "every hour", "ReleaseResponses")]
    [InlineData("Aggregates:NightlySchedule", "0 2 * * *", "NightlyRefresh")]
    public async Task LocalRunner_TimerScheduleNotNcrontab_HostStopsNamingTheSettingOrFunction(string setting, string value, string function)
    {
        await using var app = new PipelineApplication { Settings = { [setting] = value } };
        var error = Assert.IsAssignableFrom<Exception>(app.StartFailure());
        Assert.True(error.Message.Contains(setting, StringComparison.Ordinal) || error.Message.Contains(function, StringComparison.Ordinal), error.Message);
    }

    [Fact]
    public void Resolve_MissingSetting_NamesItAndTheFunction()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["A:B"] = "0 0 * * * *" }).Build();
        Assert.Equal("0 0 * * * *", LocalRunner.Resolve("%A:B%", configuration, "F"));
        var error = Assert.Throws<InvalidOperationException>(() => LocalRunner.Resolve("%A:C%", configuration, "F"));
        Assert.Contains("'A:C'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'F'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaveRun_EveryOrchestratorAndActivity_HasItsFunction_WithTheClassesTypes()
    {
        await using var app = new PipelineApplication();
        _ = app.CreateClient();
        var registry = app.Services.GetRequiredService<IOptions<TaskRegistry>>().Value;
        using var scope = app.Services.CreateScope();
        var waveTasks = typeof(WaveRunFunctions).Assembly;
        foreach (var (name, create) in registry.Orchestrators.Where(o => o.Value(scope.ServiceProvider).GetType().Assembly == waveTasks))
        {
            var function = Assert.Single(FunctionCatalog.All, f => f.Name == name);
            Assert.IsType<OrchestrationTriggerAttribute>(function.Trigger);
            var types = TaskTypes(create(scope.ServiceProvider).GetType(), typeof(TaskOrchestrator<,>));
            Assert.Equal(typeof(Task<>).MakeGenericType(types[1]), function.Method.ReturnType);
        }

        var activities = registry.Activities.Where(a => a.Value(scope.ServiceProvider).GetType().Assembly == waveTasks).ToList();
        Assert.Equal(6, activities.Count);
        foreach (var (name, create) in activities)
        {
            var function = Assert.Single(FunctionCatalog.All, f => f.Name == name);
            Assert.IsType<ActivityTriggerAttribute>(function.Trigger);
            var types = TaskTypes(create(scope.ServiceProvider).GetType(), typeof(TaskActivity<,>));
            Assert.Equal(types[0], function.Method.GetParameters().Single(p => p.GetCustomAttributes(typeof(ActivityTriggerAttribute), false).Length > 0).ParameterType);
            Assert.Equal(typeof(Task<>).MakeGenericType(types[1]), function.Method.ReturnType);
        }

        Assert.Equal(
            registry.Orchestrators.Keys.Concat(registry.Activities.Keys).Where(k => FunctionCatalog.All.Any(f => f.Name == k)).Order(),
            FunctionCatalog.All.Where(f => f.Trigger is OrchestrationTriggerAttribute or ActivityTriggerAttribute).Select(f => f.Name).Order());
    }

    private static Type[] TaskTypes(Type type, Type generic)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition() == generic)
            {
                return t.GetGenericArguments();
            }
        }

        throw new InvalidOperationException($"{type.Name} is not a {generic.Name}");
    }

    [Fact]
    public async Task Worker_ServicesBuildEveryFunctionClass_AndNoLocalPart()
    {
        using var worker = await WorkerHostAsync();
        using var scope = worker.Services.CreateScope();
        foreach (var type in FunctionCatalog.All.Select(f => f.Method.DeclaringType!).Distinct().Where(t => !t.IsAbstract))
        {
            Assert.NotNull(ActivatorUtilities.CreateInstance(scope.ServiceProvider, type));
        }

        var hosted = worker.Services.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.DoesNotContain(nameof(LocalTaskHub), hosted);
        Assert.DoesNotContain(nameof(LocalTriggers), hosted);
        Assert.DoesNotContain("EmbeddedAzurite", hosted);
        Assert.Null(worker.Services.GetService<HubClient>());
    }

    [Fact]
    public async Task Worker_DurableSerializer_WritesAWavesStatusAsTheLocalTaskHub()
    {
        // The extension serializes orchestration payloads with WorkerOptions.Serializer (ObjectConverterShim); the local
        // task hub with DurableData. GET /api/waves/{id} embeds that JSON, so both must write {"phase":...}.
        using var worker = await WorkerHostAsync();
        var progress = new WaveProgress("Fieldwork", 12, 3, 4, new DateTime(2026, 12, 24, 0, 0, 0, DateTimeKind.Utc), null);

        var azure = worker.Services.GetRequiredService<IOptions<WorkerOptions>>().Value.Serializer!.Serialize(progress)!.ToString();
        var local = DurableData.Converter.Serialize(progress);

        Assert.Equal(local, azure);
        Assert.StartsWith("{\"phase\":\"Fieldwork\"", azure, StringComparison.Ordinal);
        var input = worker.Services.GetRequiredService<IOptions<System.Text.Json.JsonSerializerOptions>>().Value;
        Assert.Equal(local, System.Text.Json.JsonSerializer.Serialize(progress, input));
    }

    [Theory]
    [InlineData("127.0.0.1", "203.0.113.1", "203.0.113.1")] // the host on loopback names the client
    [InlineData("::1", "203.0.113.1", "203.0.113.1")]
    [InlineData("127.0.0.1", "198.51.100.66, 203.0.113.1", "203.0.113.1")] // one hop only: the host's own entry
    [InlineData("198.51.100.7", "203.0.113.1", "198.51.100.7")] // anyone else is not the host
    [InlineData("10.0.0.1", "203.0.113.1", "10.0.0.1")]
    public async Task Worker_ForwardedFor_TrustsExactlyTheHostOnLoopback(string peer, string forwardedFor, string client)
    {
        // The worker's ASP.NET Core integration runs UseForwardedHeaders with the options the app configures; this is that
        // middleware with the worker's options, as the Functions host's proxy reaches it.
        using var worker = await WorkerHostAsync();
        var options = worker.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Builder.ForwardedHeadersOptions>>();
        Assert.NotEqual(Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.None, options.Value.ForwardedHeaders & Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor);
        var http = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        http.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(peer);
        http.Request.Headers["X-Forwarded-For"] = forwardedFor;
        var middleware = new Microsoft.AspNetCore.HttpOverrides.ForwardedHeadersMiddleware(_ => Task.CompletedTask, worker.Services.GetRequiredService<ILoggerFactory>(), options);

        await middleware.Invoke(http);

        Assert.Equal(client, Http.ClientAddress.Of(http));
    }

    [Fact]
    public async Task Worker_Telemetry_NoTokenNoKeyNoAddressNoRowKey()
    {
        using var worker = await WorkerHostAsync();
        var configuration = worker.Services.GetRequiredService<TelemetryConfiguration>();
        var sent = new CapturingChannel();
        configuration.TelemetryChannel = sent;
        configuration.DefaultTelemetrySink.TelemetryChannel = sent;
        var client = new TelemetryClient(configuration);
        const string token = "ABCD-EFGH-JKMN-P";
        client.TrackRequest(new RequestTelemetry("GET /s/" + token, DateTimeOffset.UtcNow, TimeSpan.FromMilliseconds(5), "200", true)
        {
            Url = new Uri($"https://survey.example/s/{token}?lang=nl&code={PipelineApplication.OperatorKey}"),
            Context = { Location = { Ip = "203.0.113.7" } },
            Properties = { ["RequestPath"] = "/s/" + token },
        });
        client.TrackDependency(new DependencyTelemetry("Azure table", "acct.table.core.windows.net", "GET /Tokens(PartitionKey='w',RowKey='" + token + "')", $"https://acct.table.core.windows.net/Tokens(PartitionKey='w',RowKey='{token}')?sig=x"));
        client.TrackDependency(new DependencyTelemetry("Azure blob", "acct.blob.core.windows.net", "PUT samples/Jan Janssens.csv", "https://acct.blob.core.windows.net/samples/Jan%20Janssens.csv"));
        client.Flush();

        // The SDK's collectors also catch other tests' calls in this process (HttpClient to Azurite); they pass the same
        // processor, so the check holds for every item, ours among them.
        List<ITelemetry> items;
        lock (sent.Items)
        {
            items = [.. sent.Items];
        }

        Assert.Contains(items, i => i is RequestTelemetry r && r.Name == "GET /s/{token}");
        Assert.True(items.OfType<DependencyTelemetry>().Count() >= 2);
        var all = string.Join("\n", items.Select(Describe));
        foreach (var secret in new[] { token, PipelineApplication.OperatorKey, "203.0.113.7", "Janssens", "sig=" })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        Assert.Contains("/s/{token}", all, StringComparison.Ordinal);
        Assert.Contains("/Tokens", all, StringComparison.Ordinal);
        Assert.Contains("/samples", all, StringComparison.Ordinal);
    }

    private static string Describe(ITelemetry item) => item switch
    {
        RequestTelemetry r => $"{r.Name} {r.Url} {r.Context.Location.Ip} {string.Join(",", r.Properties.Values)}",
        DependencyTelemetry d => $"{d.Name} {d.Data} {d.Target} {d.Context.Location.Ip}",
        _ => item.ToString() ?? string.Empty,
    };

    /// <summary>The services of the isolated worker as Program builds them under a Functions host (not started).</summary>
    private static async Task<IHost> WorkerHostAsync()
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync(),
            ["Operator:Keys:0"] = PipelineApplication.OperatorKey,
            ["Analyst:Keys:0"] = PipelineApplication.AnalystKey,
            ["Waves:TokenSecret"] = PipelineApplication.TokenSecret,
            ["Waves:TokenHashKey"] = "test-token-hash-key-0123456789abcdef",
            ["Functions:Worker:HostEndpoint"] = "http://127.0.0.1:9", // built, never started: nothing calls it
            ["APPLICATIONINSIGHTS_CONNECTION_STRING"] = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/",
        });
        builder.ConfigureFunctionsWebApplication();
        builder.AddPipeline();
        builder.AddFunctionsTelemetry();
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    private sealed class CapturingChannel : ITelemetryChannel
    {
        public List<ITelemetry> Items { get; } = [];

        public bool? DeveloperMode { get; set; }

        public string EndpointAddress { get; set; } = string.Empty;

        public void Send(ITelemetry item)
        {
            lock (Items)
            {
                Items.Add(item);
            }
        }

        public void Flush()
        {
        }

        public void Dispose()
        {
        }
    }
}
