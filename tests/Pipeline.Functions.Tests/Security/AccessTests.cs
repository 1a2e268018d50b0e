using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>Roles, the dashboard's sign-in, and wrong keys: each attack performed, and shown failing.</summary>
public sealed class AccessTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync() => _wave = await FieldworkWave.StartAsync(_app, people: 10);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private HttpClient Client(string? key = null, bool redirects = true)
    {
        var http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = redirects, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        if (key is not null)
        {
            http.DefaultRequestHeaders.Add("x-functions-key", key);
        }

        return http;
    }

    [Theory]
    [InlineData("GET", "/api/waves")]
    [InlineData("GET", "/api/waves/{id}")]
    [InlineData("GET", "/api/waves/{id}/letters")]
    [InlineData("GET", "/api/waves/{id}/letters/invitation/zone-1/nl/00001.csv")]
    [InlineData("PUT", "/api/waves/{id}/sample")]
    [InlineData("POST", "/api/waves/{id}/paper-responses")]
    [InlineData("POST", "/api/waves/{id}/returned-letters")]
    [InlineData("POST", "/api/waves/{id}/cancel")]
    [InlineData("GET", "/api/durable/instances")]
    [InlineData("POST", "/api/durable/instances/{id}/terminate")]
    [InlineData("DELETE", "/api/durable/instances/{id}")]
    public async Task AnalystKey_OnAnOperatorRoute_403_NothingDone(string method, string path)
    {
        var url = path.Replace("{id}", _wave.Definition.Id, StringComparison.Ordinal);

        var response = await Client(PipelineApplication.AnalystKey).SendAsync(new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent("token;language\n", Encoding.UTF8, "text/csv") });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("aggregates and the dashboard only", await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
        var view = await Client(PipelineApplication.OperatorKey).GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/waves/{_wave.Definition.Id}");
        Assert.Equal("Fieldwork", view.GetProperty("phase").GetString());
    }

    [Fact]
    public async Task AnalystKey_AggregatesAndDashboard_Open()
    {
        var analyst = Client(PipelineApplication.AnalystKey);

        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(new Uri($"/api/waves/{_wave.Definition.Id}/aggregates", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync(new Uri($"/dashboard/{_wave.Definition.Id}", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Dashboard_SignInOnce_CookieOpensPagesAndDownloads_NoLinkCarriesTheKey()
    {
        var browser = Client(redirects: false);
        var dashboard = $"/dashboard/{_wave.Definition.Id}";

        var first = await browser.GetAsync(new Uri(dashboard, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/signin?return=" + Uri.EscapeDataString(dashboard), first.Headers.Location!.OriginalString);

        var signIn = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = PipelineApplication.AnalystKey, ["return"] = dashboard }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal(dashboard, signIn.Headers.Location!.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PipelineApplication.AnalystKey, cookie, StringComparison.Ordinal);

        var page = await browser.GetStringAsync(new Uri(dashboard, UriKind.Relative));
        Assert.DoesNotContain("code=", page, StringComparison.Ordinal);
        Assert.DoesNotContain(PipelineApplication.AnalystKey, page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri($"/api/waves/{_wave.Definition.Id}/aggregates", UriKind.Relative))).StatusCode);

        // The analyst's session opens no operator route, and a session never carries a POST (no cross-site request rides on it).
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri($"/api/waves/{_wave.Definition.Id}/letters", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsync(new Uri($"/api/waves/{_wave.Definition.Id}/cancel", UriKind.Relative), null)).StatusCode);
    }

    [Theory]
    [InlineData("not-a-session")]
    [InlineData("QW5hbHlzdHw0MTAyNDQ0ODAwfDAwMDA.AAAA")]
    public async Task Dashboard_ForgedSessionCookie_SentToSignIn(string forged)
    {
        var browser = Client(redirects: false);
        browser.DefaultRequestHeaders.Add("Cookie", "pipeline-session=" + forged);

        var response = await browser.GetAsync(new Uri($"/dashboard/{_wave.Definition.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>A return address off this site (or one a browser would read as such: a tab it drops) goes home; one a header cannot carry is no 500.</summary>
    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example/x")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/dashboard/\u00e9")]
    [InlineData("https://evil.example/")]
    public async Task SignIn_ReturnToAnotherSite_StaysOnThisSite(string back)
    {
        var response = await Client(redirects: false).PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = PipelineApplication.AnalystKey, ["return"] = back }));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task WrongKeys_RepeatedFromOneClient_429_EvenForTheRightKeyThen()
    {
        var guesser = Client("guessed-key-0123456789abcdef");
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guesser.GetAsync(new Uri("/api/waves", UriKind.Relative))).StatusCode);
        }

        var blocked = await guesser.GetAsync(new Uri("/api/waves", UriKind.Relative));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Client(PipelineApplication.OperatorKey).GetAsync(new Uri("/api/waves", UriKind.Relative))).StatusCode);
    }
}
