using System.Net;
using Pipeline.Functions.Http;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Tests;

/// <summary>The respondent pages as plain HTTP (no browser): status codes, headers, languages and limits.</summary>
public sealed class RespondentPagesTests(RespondentPagesTests.Fixture fixture) : IClassFixture<RespondentPagesTests.Fixture>
{
    private readonly FieldworkWave _wave = fixture.Wave;
    // https: the form's session cookie is Secure, and the client keeps it as a browser does.
    private readonly HttpClient _http = fixture.App.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

    public sealed class Fixture : IAsyncLifetime, IDisposable
    {
        internal PipelineApplication App { get; } = new() { Settings = { ["Responses:TokenPermitsPerMinute"] = "5", ["Responses:MaxBodyBytes"] = "2048" } };

        internal FieldworkWave Wave { get; private set; } = null!;

        public async Task InitializeAsync() => Wave = await FieldworkWave.StartAsync(App, people: 12);

        public async Task DisposeAsync() => await App.DisposeAsync();

        public void Dispose() => App.Dispose();
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    /// <summary>Enters <paramref name="token"/> on the token page: the client then holds the form's session.</summary>
    private async Task<string> SessionAsync(string token)
    {
        var response = await _http.PostAsync(new Uri("/", UriKind.Relative), Form(("token", token), ("lang", "nl")));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return token;
    }

    [Fact]
    public async Task TokenPage_OnlyTheTokenScriptAllowed_InTheBrowsersLanguage()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.ParseAdd("de-BE, fr;q=0.8");

        var response = await _http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        var hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(PageHtml.TokenScript)));
        Assert.Contains($"script-src 'sha256-{hash}';", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("<html lang=\"de\">", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"token\">Code aus Ihrem Brief</label>", html, StringComparison.Ordinal);
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script>(.*?)</script>");
        Assert.Equal(PageHtml.TokenScript, Assert.Single(scripts).Groups[1].Value);
    }

    [Theory]
    [InlineData("ABCD", HttpStatusCode.BadRequest, "13 tekens")]
    [InlineData("ABCD-EFGH-JKMN-0", HttpStatusCode.BadRequest, "geen 0, O, 1, I of L")]
    [InlineData("ABCD-EFGH-JKMN-P", HttpStatusCode.BadRequest, "verkeerd overgetypt")]
    [InlineData("unknown", HttpStatusCode.NotFound, "kennen we niet")]
    public async Task EnterToken_Refused_SaysWhyNextToTheField(string token, HttpStatusCode status, string message)
    {
        token = token == "unknown" ? Pipeline.Survey.Tokens.AccessToken.Derive(new byte[32], "nowhere", "p1").Display : token;
        var response = await _http.PostAsync(new Uri("/", UriKind.Relative), Form(("token", token), ("lang", "nl")));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(message, html, StringComparison.Ordinal);
        Assert.Contains("aria-describedby=\"token-hint token-error\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnterToken_Valid_SessionCookieThenTheFormInTheChosenLanguage_NoTokenInAnyAddress()
    {
        var token = _wave.NextToken();
        var compact = token.Replace("-", "", StringComparison.Ordinal);

        var response = await _http.PostAsync(new Uri("/", UriKind.Relative), Form(("token", token.ToLowerInvariant()), ("lang", "fr")));
        var page = await _http.GetStringAsync(response.Headers.Location);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/form?lang=fr", response.Headers.Location!.OriginalString);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith(FormSessions.Cookie + "=", cookie, StringComparison.Ordinal);
        foreach (var attribute in new[] { "httponly", "secure", "samesite=strict", "path=/" })
        {
            Assert.Contains(attribute, cookie, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotContain("expires", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(compact, cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<h1>Problèmes dans votre quartier</h1>", page, StringComparison.Ordinal);
        foreach (System.Text.RegularExpressions.Match link in System.Text.RegularExpressions.Regex.Matches(page, "(?:href|action)=\"([^\"]*)\""))
        {
            Assert.DoesNotContain(compact, link.Groups[1].Value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-base64!")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Form_NoOrForgedSession_401TokenPageSaysEnterTheCodeAgain(string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/form?page=2");
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"{FormSessions.Cookie}={cookie}");
        }

        var response = await _http.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("Vul uw code opnieuw in", html, StringComparison.Ordinal);
        Assert.Contains("<label for=\"token\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostPage_MissingAnswers_400WithEachErrorNextToItsQuestion_AnswersKept()
    {
        await SessionAsync(_wave.NextToken());

        var response = await _http.PostAsync(new Uri("/form", UriKind.Relative), Form(("page", "1"), ("lang", "nl"), ("action", "next"), ("q.buurt_inbraak", "2")));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p class=\"error\" id=\"e-buurt_drugs\">Beantwoord deze vraag.</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"e-buurt_inbraak\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"2\" checked", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostPage_OverTheSizeLimit_413()
    {
        await SessionAsync(_wave.NextToken());
        var response = await _http.PostAsync(new Uri("/form", UriKind.Relative), Form(("page", "1"), ("q.achtergrond_opmerkingen", new string('x', 4000))));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("<p class=\"notice\" role=\"status\">", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostPage_OverTheTokenLimit_429WithRetryAfter()
    {
        await SessionAsync(_wave.NextToken());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await _http.PostAsync(new Uri("/form", UriKind.Relative), Form(("page", "1"), ("action", "save")))).StatusCode);
        }

        var last = await _http.PostAsync(new Uri("/form", UriKind.Relative), Form(("page", "1"), ("action", "save")));
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.OK, 5).Append(HttpStatusCode.TooManyRequests), statuses);
        Assert.True(last.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task Form_ClosedWave_410Page()
    {
        var other = await FieldworkWave.StartAsync(fixture.App, people: 2);
        await SessionAsync(other.Tokens[0]);
        await other.SetAsync(w => w with { Phase = WavePhase.Cancelled });

        var response = await _http.GetAsync(new Uri("/form", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("afgesloten", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ok_Code-9", "ok_Code-9")]
    [InlineData("x\"]{}</style><a href=//evil.example>", "x\\22 \\5d \\7b \\7d \\3c \\2f style\\3e \\3c a\\20 href\\3d \\2f \\2f evil\\2e example\\3e ")]
    public void CssString_EverythingButSafeCharacters_HexEscaped(string code, string css) =>
        Assert.Equal(css, PageHtml.CssString(code));
}
