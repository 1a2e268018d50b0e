using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.InProcess;

namespace Pipeline.Functions.Tests;

public sealed class DurableApiTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private HttpClient _http = null!;
    private DurableTaskClient _client = null!;

    public Task InitializeAsync()
    {
        _http = _app.CreateClient();
        _http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        _client = _app.Services.GetRequiredService<HubClient>();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData(null, "header")]
    [InlineData("wrong-key-wrong-key", "not valid")]
    public async Task AnyEndpoint_WithoutValidKey_Is401ProblemDetails(string? key, string says)
    {
        using var anonymous = _app.CreateClient();
        if (key is not null)
        {
            anonymous.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        var response = await anonymous.GetAsync(new Uri("/api/durable/instances", UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(says, problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeQueryParameter_IsAcceptedLikeTheHeader()
    {
        using var anonymous = _app.CreateClient();

        var response = await anonymous.GetAsync(new Uri($"/api/durable/instances?code={PipelineApplication.OperatorKey}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Lifecycle_GetHistoryRaiseThenPurge()
    {
        var id = await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave", new StartOrchestrationOptions("api-wave"));
        await WaitForAsync(id, OrchestrationRuntimeStatus.Running);

        var instance = await _http.GetFromJsonAsync<JsonElement>($"/api/durable/instances/{id}?showInput=true");
        Assert.Equal("Running", instance.GetProperty("runtimeStatus").GetString());
        Assert.Equal("wave", instance.GetProperty("input").GetString());
        var history = await _http.GetFromJsonAsync<JsonElement>($"/api/durable/instances/{id}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("EventType").GetInt32() == (int)DurableTask.Core.History.EventType.ExecutionStarted && e.GetProperty("Input").GetString() == "\"wave\"");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("EventType").GetInt32() == (int)DurableTask.Core.History.EventType.OrchestratorStarted);

        var purgeRunning = await _http.DeleteAsync(new Uri($"/api/durable/instances/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, purgeRunning.StatusCode);

        using var body = new StringContent("\"the mayor\"", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await _http.PostAsync(new Uri($"/api/durable/instances/{id}/events/approve", UriKind.Relative), body)).StatusCode);
        var done = await _client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true);
        Assert.Equal("the mayor", done.ReadOutputAs<string>());

        using var again = new StringContent("\"late\"", Encoding.UTF8, "application/json");
        var late = await _http.PostAsync(new Uri($"/api/durable/instances/{id}/events/approve", UriKind.Relative), again);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Completed", (await late.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await _http.DeleteAsync(new Uri($"/api/durable/instances/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync(new Uri($"/api/durable/instances/{id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Terminate_RunningInstance_Is202AndEndsIt()
    {
        var id = await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave");
        await WaitForAsync(id, OrchestrationRuntimeStatus.Running);

        var response = await _http.PostAsync(new Uri($"/api/durable/instances/{id}/terminate?reason=cancelled", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(OrchestrationRuntimeStatus.Terminated, (await _client.WaitForInstanceCompletionAsync(id)).RuntimeStatus);
    }

    [Theory]
    [InlineData("GET", "/api/durable/instances/nope")]
    [InlineData("GET", "/api/durable/instances/nope/history")]
    [InlineData("POST", "/api/durable/instances/nope/events/approve")]
    [InlineData("POST", "/api/durable/instances/nope/terminate")]
    [InlineData("DELETE", "/api/durable/instances/nope")]
    public async Task UnknownInstance_Is404ProblemDetailsNamingIt(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await _http.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("'nope'", problem!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/durable/instances?status=Sleeping", "status")]
    [InlineData("/api/durable/instances?pageSize=0", "pageSize")]
    [InlineData("/api/durable/instances?continuation=garbage!", "continuation")]
    public async Task List_BadQuery_Is400WithTheField(string path, string field)
    {
        var response = await _http.GetAsync(new Uri(path, UriKind.Relative));
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem!.Errors.ContainsKey(field), string.Join(", ", problem.Errors.Keys));
    }

    [Fact]
    public async Task List_PagesThroughEveryInstanceWithTheContinuation()
    {
        for (var i = 0; i < 3; i++)
        {
            await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave", new StartOrchestrationOptions($"page-{i}"));
        }

        var seen = new List<string>();
        string? continuation = null;
        do
        {
            var page = await _http.GetFromJsonAsync<JsonElement>("/api/durable/instances?pageSize=2" + (continuation is null ? string.Empty : "&continuation=" + Uri.EscapeDataString(continuation)));
            seen.AddRange(page.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("instanceId").GetString()!));
            continuation = page.GetProperty("continuationToken").GetString();
        }
        while (continuation is not null);

        Assert.Equal(["page-0", "page-1", "page-2"], seen.Order());
    }

    [Fact]
    public async Task Raise_BodyNotJson_Is400()
    {
        var id = await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave");
        using var body = new StringContent("{not json", Encoding.UTF8, "application/json");

        var response = await _http.PostAsync(new Uri($"/api/durable/instances/{id}/events/approve", UriKind.Relative), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("JSON", (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeMany_ByStatus_PurgesOnlyFinished()
    {
        var id = await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave");
        await _client.RaiseEventAsync(id, "approve", "ok");
        await _client.WaitForInstanceCompletionAsync(id);
        var running = await _client.ScheduleNewOrchestrationInstanceAsync(nameof(AwaitApproval), "wave");

        var to = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddMinutes(1).ToString("o"));
        var bad = await _http.PostAsync(new Uri($"/api/durable/purge?status=Running&createdTo={to}", UriKind.Relative), null);
        var noDate = await _http.PostAsync(new Uri("/api/durable/purge?status=Completed", UriKind.Relative), null);
        var response = await _http.PostAsync(new Uri($"/api/durable/purge?status=Completed&createdTo={to}", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noDate.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("purgedInstanceCount").GetInt32());
        Assert.NotNull(await _client.GetInstanceAsync(running));
    }

    private async Task WaitForAsync(string id, OrchestrationRuntimeStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await _client.GetInstanceAsync(id))?.RuntimeStatus != status)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{id} never reached {status}");
            await Task.Delay(20);
        }
    }
}
