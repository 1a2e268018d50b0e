using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>A storage outage answers 503 with Retry-After (a page on the form), never a 500, and names no storage key.</summary>
public sealed class StorageFaultTests
{
    [Fact]
    public async Task StorageDown_ApiAndForm_503WithRetryAfter_NoKeysInTheAnswer()
    {
        var down = false;
        await using var app = new PipelineApplication();
        app.ConfigureServices = services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(ITableStore));
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => new Down((ITableStore)inner.ImplementationFactory!(sp), () => down, () => new StoreException("Get an entity in table 'Tokens': storage unreachable (Connection refused)."))));
        };
        var wave = await FieldworkWave.StartAsync(app, people: 2);
        var http = app.CreateClient();
        down = true;

        var api = await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[0], answers = wave.Answers(0) });
        var page = await http.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = wave.Tokens[1] }));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), api.Headers.RetryAfter!.Delta);
        var problem = await WaveTestKit.ProblemAsync(api);
        Assert.Contains("nothing was lost", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("Tokens", problem, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(page.Headers.RetryAfter);
        Assert.Contains("Briefly unavailable", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bug_ApiAndForm_500ProblemDetailsThatSaysNothingOfIt()
    {
        // A fault that is no storage fault is a bug: the Functions host would answer a bare 500 for a failed invocation, so
        // the function answers itself, alike in both hosts, and tells nothing of the error (its message names the token).
        var down = false;
        string? token = null;
        await using var app = new PipelineApplication();
        app.ConfigureServices = services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(ITableStore));
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => new Down((ITableStore)inner.ImplementationFactory!(sp), () => down, () => new InvalidOperationException("row of " + token))));
        };
        var wave = await FieldworkWave.StartAsync(app, people: 2);
        var http = app.CreateClient();
        token = wave.Tokens[0];
        down = true;

        var api = await http.PostAsJsonAsync("/api/responses", new { token, answers = wave.Answers(0) });
        var page = await http.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));

        foreach (var answer in new[] { api, page })
        {
            Assert.Equal(HttpStatusCode.InternalServerError, answer.StatusCode);
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType!.MediaType);
            var problem = await answer.Content.ReadAsStringAsync();
            Assert.Contains("An unexpected error occurred", problem, StringComparison.Ordinal);
            Assert.DoesNotContain(token, problem, StringComparison.Ordinal);
            Assert.DoesNotContain("row of", problem, StringComparison.Ordinal);
        }
    }

    /// <summary>Every read and write fails with <paramref name="fault"/> while <paramref name="isDown"/> says so.</summary>
    private sealed class Down(ITableStore inner, Func<bool> isDown, Func<Exception> fault) : InterceptedTables(inner)
    {
        protected override Task<T> ReadAsync<T>(string table, Func<Task<T>> call) => Or(call);

        protected override Task<T> WriteAsync<T>(string table, TableBatch? batch, Func<Task<T>> call) => Or(call);

        private Task<T> Or<T>(Func<Task<T>> call) => isDown() ? throw fault() : call();
    }
}
