using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Operations;
using Pipeline.Storage.Emulator;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

public sealed class HealthApiTests
{
    private static HttpClient OperatorClient(PipelineApplication app)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        return http;
    }

    [Theory]
    [InlineData(null)]
    [InlineData(PipelineApplication.AnalystKey)]
    [InlineData("wrong-key-0123456789abcdef")]
    public async Task Get_WithoutAnOperatorKey_OnlyUpOrDown_NoVersionNoDetails(string? key)
    {
        await using var app = new PipelineApplication();
        var http = app.CreateClient();
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"ok"}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_TwiceWithinFiveSeconds_TheChecksRunOnce()
    {
        await using var app = new PipelineApplication();
        var http = OperatorClient(app);

        var first = await http.GetFromJsonAsync<HealthResponse>("/api/health");
        await Task.Delay(50);
        var second = await http.GetFromJsonAsync<HealthResponse>("/api/health");

        Assert.Same(await app.Services.GetRequiredService<HealthCache>().GetAsync(default), await app.Services.GetRequiredService<HealthCache>().GetAsync(default));
        Assert.Equal(first!.DurationMs, second!.DurationMs);
    }

    [Fact]
    public async Task Get_InMemoryStorage_IsOkWithVersion()
    {
        await using var app = new PipelineApplication();

        var response = await OperatorClient(app).GetAsync(new Uri("/api/health", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<HealthResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", body!.Status);
        Assert.Equal(HealthApi.Version, body.Version);
        Assert.Equal(new Dictionary<string, string> { ["blob"] = "ok", ["table"] = "ok", ["queue"] = "ok" }, body.Storage);
    }

    [Fact]
    public async Task Get_OnAzurite_ReportsAllThreeStoragesOk()
    {
        await using var app = new PipelineApplication { InMemoryStorage = false };
        app.Settings["AzureWebJobsStorage"] = await TestAzurite.ConnectionStringAsync();

        var response = await OperatorClient(app).GetAsync(new Uri("/api/health", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<HealthResponse>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.All(["blob", "table", "queue"], s => Assert.Equal("ok", body!.Storage[s]));
    }

    [Fact]
    public async Task Get_StorageUnreachable_Is503NamingEachService()
    {
        var closed = AzuriteProcess.FreePort();
        // Storage that went away after start-up: the start-up probe (which would wait for it) is left out.
        await using var app = new PipelineApplication
        {
            InMemoryStorage = false,
            ConfigureServices = s => s.Remove(s.Single(d => d.ImplementationType == typeof(StorageProbe))),
        };
        app.Settings["AzureWebJobsStorage"] = AzuriteProcess.ConnectionStringFor(closed, closed, closed);
        app.Settings["Storage:RetryAttempts"] = "1";

        var response = await OperatorClient(app).GetAsync(new Uri("/api/health", UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<HealthResponse>();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unhealthy", body!.Status);
        Assert.All(["blob", "table", "queue"], s => Assert.NotEqual("ok", body.Storage[s]));
        Assert.Contains("unreachable", body.Storage["blob"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRoute_IsProblemDetails404()
    {
        await using var app = new PipelineApplication();

        var response = await app.CreateClient().GetAsync(new Uri("/api/nothing-here", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
