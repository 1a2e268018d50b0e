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
            services.Replace(ServiceDescriptor.Singleton<ITableStore>(sp => new Down((ITableStore)inner.ImplementationFactory!(sp), () => down)));
        };
        var wave = await FieldworkWave.StartAsync(app, people: 2);
        var http = app.CreateClient();
        down = true;

        var api = await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[0], answers = wave.Answers(0) });
        var page = await http.GetAsync(new Uri($"/s/{wave.Tokens[0]}", UriKind.Relative));

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

    /// <summary>Every read and write fails as an unreachable account does while <paramref name="isDown"/> says so.</summary>
    private sealed class Down(ITableStore inner, Func<bool> isDown) : InterceptedTables(inner)
    {
        protected override Task<T> ReadAsync<T>(string table, Func<Task<T>> call) => Or(call);

        protected override Task<T> WriteAsync<T>(string table, TableBatch? batch, Func<Task<T>> call) => Or(call);

        private Task<T> Or<T>(Func<Task<T>> call) => isDown() ? throw new StoreException("Get an entity in table 'Tokens': storage unreachable (Connection refused).") : call();
    }
}
