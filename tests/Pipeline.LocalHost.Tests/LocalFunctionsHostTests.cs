using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Pipeline.LocalHost.Tests;

/// <summary>
/// The unchanged worker under the local Functions host, over the Functions RPC protocol: the handshake loads every
/// function, and HTTP is routed and forwarded by the host's rules (each cited in <see cref="HttpFrontEnd"/>).
/// </summary>
public sealed class LocalFunctionsHostTests(LocalHostFixture fixture) : IClassFixture<LocalHostFixture>
{
    [Fact]
    public void Handshake_WorkerIndexesAndLoadsEveryFunction_OfItsFunctionsMetadata()
    {
        using var metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(LocalSettings.BuiltApp(Pipeline.Storage.Emulator.RepositoryRoot.Find()!), "functions.metadata")));
        var published = metadata.RootElement.EnumerateArray().Select(f => f.GetProperty("name").GetString()!).Order().ToList();

        Assert.Equal(published, fixture.Host.Functions.Select(f => f.Name).Order().ToList());
        Assert.Contains(fixture.Host.Functions, f => f.Name == "FormStart" && f.TriggerType == "httpTrigger");
        Assert.Contains(fixture.Host.Functions, f => f.Name == "ReleaseResponses" && f.TriggerType == "timerTrigger");
    }

    [Theory]
    [InlineData("GET", "/api/health", HttpStatusCode.OK)] // answered by the worker
    [InlineData("GET", "/", HttpStatusCode.OK)] // the token page: its route fits the empty path only
    [InlineData("GET", "/FormStart", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/api/responses", HttpStatusCode.NotFound)] // a wrong method is no match
    [InlineData("GET", "/admin/host/status", HttpStatusCode.NotFound)]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound)]
    [InlineData("GET", "/form", HttpStatusCode.Unauthorized)] // no form session
    public async Task Http_RoutedAsTheFunctionsHostRoutes(string method, string path, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        var response = await fixture.Http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public void RouteOf_ReservedPrefix_Refused_AsTheHostRefusesIt()
    {
        using var trigger = JsonDocument.Parse("""{"type":"httpTrigger","name":"req","route":"admin/x"}""");
        var function = new Rpc.WorkerFunction("id", "Bad", "req", "httpTrigger", trigger.RootElement.Clone());

        var error = Assert.Throws<InvalidOperationException>(() => HttpFrontEnd.RouteOf(string.Empty, function));

        Assert.Contains("conflicts with one or more built in routes", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A forged App Service Authentication principal of an operator, sent to the local host with Azure's settings copied
    /// (the fixture sets Access:PlatformAuthentication and WEBSITE_AUTH_ENABLED): nothing opens, since the host keeps
    /// WEBSITE_AUTH_ENABLED from the worker and the worker trusts the header only with it.
    /// </summary>
    [Fact]
    public async Task Http_ForgedEntraPrincipal_OpensNothing()
    {
        var principal = Convert.ToBase64String(Encoding.UTF8.GetBytes(
            """{"auth_typ":"aad","claims":[{"typ":"preferred_username","val":"mallory@evil.example"},{"typ":"roles","val":"Survey.Operator"}]}"""));
        foreach (var path in new[] { "/api/waves", "/api/durable/instances", "/console", "/signin/entra" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-MS-CLIENT-PRINCIPAL", principal);
            request.Headers.Add("Cookie", "AppServiceAuthSession=forged");

            var response = await fixture.Http.SendAsync(request);

            // 401 for the API, the key's sign-in page (not Entra's) for the console, 404 for Entra's sign-in.
            var landed = response.RequestMessage!.RequestUri!.AbsolutePath;
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound || landed == "/signin", $"{path}: {(int)response.StatusCode} at {landed}");
            Assert.DoesNotContain("/signin/entra", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Http_BodyForwarded_ProblemDetailsFromTheWorker()
    {
        var response = await fixture.Http.PostAsync(new Uri("/api/responses", UriKind.Relative), new StringContent("""{"token":"ABCD"}""", Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"field\":\"token\"", problem, StringComparison.Ordinal);
        Assert.Contains("this one has 4", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_SpoofedForwardedFor_TheHostSetsItsOwn_RotatingBuysNothing()
    {
        // Responses:ClientPermitsPerMinute is 4. This client calls from 127.0.0.2: the host replaces X-Forwarded-For with
        // the address it was called from, and the worker believes the host only, so every request counts for 127.0.0.2,
        // whatever the header says; a client at 127.0.0.3 keeps its own permits.
        using var other = OperatorApi.From("127.0.0.2", fixture.Http.BaseAddress!);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/optout") { Content = new StringContent("""{"token":"ABCD"}""", Encoding.UTF8, "application/json") };
            request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            statuses.Add((await other.SendAsync(request)).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.BadRequest, 4), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        using var third = OperatorApi.From("127.0.0.3", fixture.Http.BaseAddress!);
        var mine = await third.PostAsync(new Uri("/api/optout", UriKind.Relative), new StringContent("""{"token":"ABCD"}""", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, mine.StatusCode);
    }

    [Fact]
    public async Task Worker_KilledWithSigkill_TheHostStartsItAgain()
    {
        var starts = fixture.Host.Worker.Starts;
        using (var worker = Process.GetProcessById(fixture.Host.Worker.ProcessId))
        {
            worker.Kill();
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (fixture.Host.Worker.Starts == starts || !fixture.Host.Worker.Channel.Ready.IsCompletedSuccessfully)
        {
            Assert.True(DateTime.UtcNow < deadline, "the worker was not started again");
            await Task.Delay(200);
        }

        Assert.Equal(HttpStatusCode.OK, (await fixture.Http.GetAsync(new Uri("/api/health", UriKind.Relative))).StatusCode);
    }
}
