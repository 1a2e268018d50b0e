using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Named keys with a scope (only their hash configured): an analyst of zone 1 and one of a municipality of zone 2 see
/// their areas and the wave as a whole, and no other area, by path, query, export or sign-in.
/// </summary>
public sealed class ScopedAccessTests : IAsyncLifetime, IDisposable
{
    private const string ZoneKey = "zone-one-analyst-key-Xq83mKd02LpA9zR";
    private const string MunicipalityKey = "municipality-analyst-key-Vt61nWe47QsB";
    private const string Municipality = "zone-2/Gemeente 2.1";
    private const string WaveOperatorKey = "one-wave-operator-key-Pz49sLq81NbT";

    private readonly PipelineApplication _app = new()
    {
        Settings =
        {
            ["Aggregates:MinimumRespondents"] = "1",
            ["Access:Keys:0:Name"] = "analyst PZ Demo 1",
            ["Access:Keys:0:Hash"] = Sha256(ZoneKey),
            ["Access:Keys:0:Role"] = "Analyst",
            ["Access:Keys:0:Zones:0"] = "zone-1",
            ["Access:Keys:1:Name"] = "analyst Gemeente 2.1",
            ["Access:Keys:1:Hash"] = Sha256(MunicipalityKey),
            ["Access:Keys:1:Role"] = "analyst",
            ["Access:Keys:1:Municipalities:0"] = Municipality,
            ["Access:Keys:2:Name"] = "operator of the wave",
            ["Access:Keys:2:Hash"] = Sha256(WaveOperatorKey),
            ["Access:Keys:2:Role"] = "Operator",

            // Entra ID behind App Service Authentication: the app's setting and the platform's variable, and groups' scopes.
            ["Access:PlatformAuthentication"] = "true",
            ["WEBSITE_AUTH_ENABLED"] = "True",
            ["Access:Groups:0:Id"] = ZoneGroup,
            ["Access:Groups:0:Zones:0"] = "zone-1",
            ["Access:Groups:1:Id"] = MunicipalityGroup,
            ["Access:Groups:1:Municipalities:0"] = Municipality,
        },
    };

    private const string ZoneGroup = "5d0f3c1e-8a57-4c3b-9d7e-0a1b2c3d4e5f";
    private const string MunicipalityGroup = "7e2a4b6c-1d3f-4a5b-8c9d-f0e1d2c3b4a5";
    private const string WaveGroup = "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e";

    private FieldworkWave _other = null!;

    private FieldworkWave _wave = null!;

    public async Task InitializeAsync()
    {
        // The operator's key opens this wave only (set before the app starts with the first request).
        var id = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        _app.Settings["Access:Keys:2:Waves:0"] = id;
        _app.Settings["Access:Groups:2:Id"] = WaveGroup;
        _app.Settings["Access:Groups:2:Waves:0"] = id;
        _wave = await FieldworkWave.StartAsync(_app, people: 60, change: _ => WaveTestKit.Wave(id, 2, "nl", "fr"));
        _other = await FieldworkWave.StartAsync(_app, people: 6);
        var web = _app.CreateClient();
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await web.PostAsJsonAsync("/api/responses", new { token = _wave.Tokens[i], answers = _wave.Answers(i) })).StatusCode);
        }

        await _app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        await _app.Services.GetRequiredService<AggregateService>().RecomputeAsync(_wave.Definition.Id, default);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private static string Sha256(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    private HttpClient Client(string key)
    {
        var http = _app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", key);
        return http;
    }

    private string Id => _wave.Definition.Id;

    [Theory]
    [InlineData(ZoneKey, "zone", "zone-1", HttpStatusCode.OK)]
    [InlineData(ZoneKey, "municipality", "zone-1/Gemeente 1.2", HttpStatusCode.OK)]
    [InlineData(ZoneKey, "zone", "zone-2", HttpStatusCode.Forbidden)]
    [InlineData(ZoneKey, "municipality", "zone-2/Gemeente 2.1", HttpStatusCode.Forbidden)]
    [InlineData(ZoneKey, "neighbourhood", "zone-2/Gemeente 2.1/Wijk 2.1.1", HttpStatusCode.Forbidden)]
    [InlineData(MunicipalityKey, "municipality", Municipality, HttpStatusCode.OK)]
    [InlineData(MunicipalityKey, "zone", "zone-2", HttpStatusCode.Forbidden)]
    [InlineData(MunicipalityKey, "municipality", "zone-2/Gemeente 2.2", HttpStatusCode.Forbidden)]
    [InlineData(MunicipalityKey, "zone", "zone-1", HttpStatusCode.Forbidden)]
    [InlineData(PipelineApplication.AnalystKey, "zone", "zone-2", HttpStatusCode.OK)]
    public async Task Aggregate_ByQuery_AsJsonAndCsv_OnlyTheKeysAreas(string key, string level, string area, HttpStatusCode expected)
    {
        foreach (var format in new[] { "json", "csv" })
        {
            var response = await Client(key).GetAsync(new Uri($"/api/waves/{Id}/aggregates?level={level}&area={Uri.EscapeDataString(area)}&format={format}", UriKind.Relative));

            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.Forbidden)
            {
                Assert.Contains("Not in your areas", await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task TheWaveAsAWhole_AndTheList_CutToTheScope()
    {
        Assert.Equal(HttpStatusCode.OK, (await Client(ZoneKey).GetAsync(new Uri($"/api/waves/{Id}/aggregates?level=wave&area={Id}", UriKind.Relative))).StatusCode);

        var listed = (await Client(ZoneKey).GetFromJsonAsync<JsonElement>($"/api/waves/{Id}/aggregates")).EnumerateArray().Select(a => a.GetProperty("area").GetString()!).ToList();
        var all = (await Client(PipelineApplication.AnalystKey).GetFromJsonAsync<JsonElement>($"/api/waves/{Id}/aggregates")).EnumerateArray().Select(a => a.GetProperty("area").GetString()!).ToList();

        Assert.Contains(Id, listed);
        Assert.Contains("zone-1", listed);
        Assert.DoesNotContain(listed, a => a.StartsWith("zone-2", StringComparison.Ordinal));
        Assert.Contains(all, a => a.StartsWith("zone-2", StringComparison.Ordinal));
        var municipality = (await Client(MunicipalityKey).GetFromJsonAsync<JsonElement>($"/api/waves/{Id}/aggregates")).EnumerateArray().Select(a => a.GetProperty("area").GetString()!).ToList();
        Assert.All(municipality, a => Assert.True(a == Id || a.StartsWith(Municipality, StringComparison.Ordinal), a));
    }

    [Fact]
    public async Task Dashboard_ByPathAndBySignIn_OwnZoneOnly_TheComparisonStays()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await _app.CreateClient().GetAsync(new Uri($"/dashboard/{Id}/zones/zone-2?code={ZoneKey}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _app.CreateClient().GetAsync(new Uri($"/dashboard/{Id}/zones/zone-1?code={ZoneKey}", UriKind.Relative))).StatusCode);

        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = ZoneKey }))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri($"/dashboard/{Id}/zones/zone-2", UriKind.Relative))).StatusCode);
        var overview = await browser.GetStringAsync(new Uri($"/dashboard/{Id}", UriKind.Relative));
        Assert.Contains($"href=\"/dashboard/{Id}/zones/zone-1\"", overview, StringComparison.Ordinal);
        Assert.DoesNotContain($"/dashboard/{Id}/zones/zone-2", overview, StringComparison.Ordinal);
        Assert.Contains(">zone-2</text>", overview, StringComparison.Ordinal);

        // Nor does the session open anything of an operator's, and the audit trail names the key.
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri("/console", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client(ZoneKey).GetAsync(new Uri($"/api/waves/{Id}", UriKind.Relative))).StatusCode);
        Assert.Contains(await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default).ToListAsync(), e => e.Action == "sign-in" && e.Who == "analyst PZ Demo 1");
    }

    [Fact]
    public async Task OnlyTheHashIsConfigured_AWrongKeyIsRefused()
    {
        Assert.DoesNotContain(_app.Settings.Values, v => v is not null && (v.Contains(ZoneKey, StringComparison.Ordinal) || v.Contains(MunicipalityKey, StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(ZoneKey + "x").GetAsync(new Uri($"/api/waves/{Id}/aggregates", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(Sha256(ZoneKey)).GetAsync(new Uri($"/api/waves/{Id}/aggregates", UriKind.Relative))).StatusCode);
    }

    /// <summary>An operator of one wave: that wave's routes and pages, its line in the lists, and no other wave nor any route of every wave.</summary>
    [Fact]
    public async Task OperatorOfOneWave_ItsWaveOnly_ByPathListAndSession()
    {
        var key = Client(WaveOperatorKey);
        Assert.Equal(HttpStatusCode.OK, (await key.GetAsync(new Uri($"/api/waves/{Id}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await key.PostAsJsonAsync($"/api/waves/{Id}/returned-letters", new { tokens = new[] { _wave.Tokens[59] } })).StatusCode);
        Assert.Equal([Id], (await key.GetFromJsonAsync<JsonElement>("/api/waves")).EnumerateArray().Select(w => w.GetProperty("id").GetString()));

        foreach (var (method, path) in new[]
        {
            ("GET", $"/api/waves/{_other.Definition.Id}"),
            ("POST", $"/api/waves/{_other.Definition.Id}/cancel"),
            ("GET", $"/api/waves/{_other.Definition.Id}/letters"),
            ("GET", $"/api/waves/{_other.Definition.Id}/aggregates"),
            ("POST", "/api/waves"),
            ("GET", "/api/durable/instances"),
            ("GET", $"/console/waves/{_other.Definition.Id}"),
            ("GET", "/console/operations"),
            ("GET", "/console/audit/log"),
        })
        {
            var refused = await key.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { }) });
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{method} {path}: {refused.StatusCode}");
            Assert.Contains("Not in your waves", await WaveTestKit.ProblemAsync(refused), StringComparison.Ordinal);
        }

        var browser = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = WaveOperatorKey }))).StatusCode);
        var list = await browser.GetStringAsync(new Uri("/console", UriKind.Relative));
        Assert.Contains($"/console/waves/{Id}?", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"/console/waves/{_other.Definition.Id}?", list, StringComparison.Ordinal);
        Assert.DoesNotContain("/console/operations", list, StringComparison.Ordinal); // the nav offers no page of every wave
        Assert.Contains("/console/operations", await Client(PipelineApplication.OperatorKey).GetStringAsync(new Uri("/console", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri($"/console/waves/{_other.Definition.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal("Fieldwork", (await Client(PipelineApplication.OperatorKey).GetFromJsonAsync<JsonElement>($"/api/waves/{_other.Definition.Id}")).GetProperty("phase").GetString());
    }

    /// <summary>A user App Service Authentication signed in, by the app's headers; with <paramref name="session"/>, as a browser.</summary>
    private HttpClient User(string principal, string? session = null)
    {
        var http = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        http.DefaultRequestHeaders.Add(EntraPrincipal.Header, principal);
        if (session is not null)
        {
            http.DefaultRequestHeaders.Add("Cookie", "AppServiceAuthSession=" + session);
        }

        return http;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path) => (await http.GetAsync(new Uri(path, UriKind.Relative))).StatusCode;

    /// <summary>Entra ID users: the app role says what they are, their groups which areas or waves a limited role sees.</summary>
    [Fact]
    public async Task EntraUsers_ByAppRoleAndGroup_TheirScopeOnly_ByPathQueryAndExport()
    {
        var zone = User(EntraPrincipal.Of("ana@pz-demo.example", [AppRoles.ZoneAnalyst], [ZoneGroup, Guid.NewGuid().ToString()]));
        foreach (var format in new[] { "json", "csv" })
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(zone, $"/api/waves/{Id}/aggregates?level=zone&area=zone-1&format={format}"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(zone, $"/api/waves/{Id}/aggregates?level=zone&area=zone-2&format={format}"));
            Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(zone, $"/api/waves/{Id}/aggregates?level=municipality&area={Uri.EscapeDataString(Municipality)}&format={format}"));
        }

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(zone, $"/dashboard/{Id}/zones/zone-1"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(zone, $"/dashboard/{Id}/zones/zone-2"));
        Assert.DoesNotContain((await zone.GetFromJsonAsync<JsonElement>($"/api/waves/{Id}/aggregates")).EnumerateArray(), a => a.GetProperty("area").GetString()!.StartsWith("zone-2", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(zone, $"/api/waves/{Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(zone, "/console"));

        var municipality = User(EntraPrincipal.Of("mo@gemeente.example", [AppRoles.MunicipalityAnalyst], [MunicipalityGroup]));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(municipality, $"/api/waves/{Id}/aggregates?level=municipality&area={Uri.EscapeDataString(Municipality)}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(municipality, $"/api/waves/{Id}/aggregates?level=zone&area=zone-2"));

        // A limited role whose groups are none of the configured ones sees no area, only the wave as a whole; a zone group
        // gives a municipality analyst nothing.
        var ungrouped = User(EntraPrincipal.Of("new@pz-demo.example", [AppRoles.ZoneAnalyst, AppRoles.MunicipalityAnalyst], [WaveGroup]));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(ungrouped, $"/api/waves/{Id}/aggregates?level=zone&area=zone-1"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(ungrouped, $"/api/waves/{Id}/aggregates?level=wave&area={Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(User(EntraPrincipal.Of("mo2@gemeente.example", [AppRoles.MunicipalityAnalyst], [ZoneGroup])), $"/api/waves/{Id}/aggregates?level=zone&area=zone-1"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(User(EntraPrincipal.Of("fed@police.example", [AppRoles.Analyst])), $"/api/waves/{Id}/aggregates?level=zone&area=zone-2"));

        var waveOperator = User(EntraPrincipal.Of("op@pz-demo.example", [AppRoles.WaveOperator], [WaveGroup]));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(waveOperator, $"/api/waves/{Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(waveOperator, $"/api/waves/{_other.Definition.Id}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(waveOperator, "/api/durable/instances"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(User(EntraPrincipal.Of("boss@police.example", [AppRoles.Operator])), $"/api/waves/{_other.Definition.Id}"));

        var none = await User(EntraPrincipal.Of("guest@elsewhere.example", ["Some.OtherApp"], [ZoneGroup])).GetAsync(new Uri($"/api/waves/{Id}/aggregates", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, none.StatusCode);
        Assert.Contains("no app role", await WaveTestKit.ProblemAsync(none), StringComparison.Ordinal);
    }

    /// <summary>
    /// A browser's Entra session (App Service's cookie) opens pages, and carries the console's forms with that session's
    /// token only; an API write needs a key or a client's bearer token (no cookie), so no other site can make one.
    /// </summary>
    [Fact]
    public async Task EntraBrowser_ConsoleFormsCarryTheSessionsToken_ApiWritesNeedAClientToken()
    {
        var principal = EntraPrincipal.Of("boss@police.example", [AppRoles.Operator]);
        var browser = User(principal, "session-one");
        var page = await browser.GetStringAsync(new Uri("/console/new", UriKind.Relative));
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"_token\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);

        HttpContent Form(string? withToken) => new FormUrlEncodedContent(new Dictionary<string, string> { ["definition"] = "{", ["_token"] = withToken ?? string.Empty });
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(null))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await User(principal, "session-two").PostAsync(new Uri("/console/waves", UriKind.Relative), Form(token))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(token))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.PostAsJsonAsync("/api/waves", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await User(principal).PostAsJsonAsync("/api/waves", new { })).StatusCode);
    }

    /// <summary>Who has access now, for a privacy officer: every key's name, role and scope (never its hash), Entra ID on, the groups.</summary>
    [Fact]
    public async Task AccessAsConfigured_OnTheSignInsPage_NoHash()
    {
        var page = await Client(PipelineApplication.OperatorKey).GetStringAsync(new Uri("/console/audit/log?lang=en", UriKind.Relative));

        Assert.Contains("<td>analyst PZ Demo 1</td><td>Analyst</td><td>zones [zone-1]</td>", page, StringComparison.Ordinal);
        Assert.Contains($"<td>analyst Gemeente 2.1</td><td>Analyst</td><td>municipalities [{Municipality}]</td>", page, StringComparison.Ordinal);
        Assert.Contains($"<td>operator of the wave</td><td>Operator</td><td>waves [{Id}]</td>", page, StringComparison.Ordinal);
        Assert.Contains($"<td>{KeyRing.Caller(PipelineApplication.OperatorKey, Role.Operator)}</td><td>Operator</td><td>every wave and area</td>", page, StringComparison.Ordinal);
        Assert.Contains("Sign-in with Microsoft Entra ID is on", page, StringComparison.Ordinal);
        Assert.Contains($"<td>{ZoneGroup}</td><td>zones [zone-1]</td>", page, StringComparison.Ordinal);
        Assert.Contains($"<td>{WaveGroup}</td><td>waves [{Id}]</td>", page, StringComparison.Ordinal);
        foreach (var key in new[] { ZoneKey, MunicipalityKey, WaveOperatorKey, PipelineApplication.OperatorKey, PipelineApplication.AnalystKey })
        {
            Assert.DoesNotContain(key, page, StringComparison.Ordinal);
            Assert.DoesNotContain(Sha256(key), page, StringComparison.OrdinalIgnoreCase);
        }
    }

    /// <summary>An Entra user keys paper forms under their own name: the screen does not ask it, and a typed one is not taken.</summary>
    [Fact]
    public async Task EntraUser_KeysPaperFormsUnderTheirOwnName()
    {
        var browser = User(EntraPrincipal.Of("keyer@pz-demo.example", [AppRoles.WaveOperator], [WaveGroup]), "keying-session");
        var path = $"/console/waves/{Id}/keying/forms";
        var start = await browser.GetStringAsync(new Uri(path + "?lang=en", UriKind.Relative));
        Assert.Contains("<strong>keyer@pz-demo.example (Entra ID)</strong>", start, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"keyer\" type", start, StringComparison.Ordinal);
        var token = System.Text.RegularExpressions.Regex.Match(start, "name=\"_token\" value=\"([^\"]+)\"").Groups[1].Value;

        var saved = await browser.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["lang"] = "en", ["_token"] = token, ["step"] = "answers", ["keyer"] = "Someone Else", ["token"] = _wave.Tokens[45], ["a.buurt_inbraak"] = "2",
        }));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var keyed = Assert.Single(await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync(Id, default, PaperKeying.AuditAction).ToListAsync());
        Assert.Equal("keyer@pz-demo.example (Entra ID)", keyed.Who);
    }

    /// <summary>A page sends a browser without a user to Entra ID, and back through /signin/entra, which the audit trail records.</summary>
    [Fact]
    public async Task EntraSignIn_ThroughThePlatform_RecordedWithTheUser_AndWithoutARole_Refused()
    {
        var anonymous = _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var sent = await anonymous.GetAsync(new Uri($"/dashboard/{Id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal($"/.auth/login/aad?post_login_redirect_uri={Uri.EscapeDataString("/signin/entra?return=" + Uri.EscapeDataString($"/dashboard/{Id}"))}", sent.Headers.Location!.OriginalString);
        Assert.Contains("href=\"/signin/entra?return=", await anonymous.GetStringAsync(new Uri("/signin", UriKind.Relative)), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync(new Uri("/signin/entra?return=/x", UriKind.Relative))).StatusCode);
        var back = await User(EntraPrincipal.Of("ana@pz-demo.example", [AppRoles.ZoneAnalyst], [ZoneGroup])).GetAsync(new Uri($"/signin/entra?return=/dashboard/{Id}", UriKind.Relative));
        var tab = await User(EntraPrincipal.Of("ana@pz-demo.example", [AppRoles.ZoneAnalyst], [ZoneGroup])).GetAsync(new Uri("/signin/entra?return=/%09/evil.example", UriKind.Relative));
        Assert.Equal("/", tab.Headers.Location!.OriginalString);
        Assert.Equal($"/dashboard/{Id}", back.Headers.Location!.OriginalString);
        var refused = await User(EntraPrincipal.Of("guest@elsewhere.example", [])).GetAsync(new Uri("/signin/entra?return=//evil.example", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("no app role", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var signIns = await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default, "sign-in").ToListAsync();
        Assert.Contains(signIns, e => e.Who == "ana@pz-demo.example (Entra ID)" && e.Result == "done 302" && e.Detail == "role=Analyst sees zones [zone-1]");
        Assert.Contains(await _app.Services.GetRequiredService<AuditTrail>().OfWaveAsync("-", default, "role given").ToListAsync(), e => e.Who == "ana@pz-demo.example (Entra ID)");
        Assert.Contains(signIns, e => e.Who == "guest@elsewhere.example (Entra ID)" && e.Result == "refused 403");
        Assert.DoesNotContain(signIns, e => e.Who == "no valid key"); // the anonymous visit, sent on to Entra, is no entry
    }

    /// <summary>The functions anyone may call: the respondents' pages and API, the sign-in, the health check.</summary>
    private static readonly HashSet<string> Public = ["FormStart", "FormEnterToken", "FormShow", "FormPost", "FormThanks", "SubmitResponse", "OptOut", "SignInForm", "SignInEntra", "SignIn", "Health"];

    public static TheoryData<string> Identities() => ["zone key", "municipality key", "zone user", "municipality user", "wave operator key", "wave operator user", "analyst key", "analyst user"];

    /// <summary>
    /// Route by route, every HTTP function of the app and each of its methods, asked by a key or Entra user of each role
    /// and scope for what is not theirs: zone-2 by path (<c>{zone}</c>) and query (<c>level</c>, <c>area</c>, as CSV), and
    /// for an operator of one wave another wave (<c>{id}</c>). Each answers 403, but what the role opens (an analyst of
    /// everything: the aggregates and the dashboard) and the lists, which are cut to the scope. A function added without
    /// a guard fails here.
    /// </summary>
    [Theory]
    [MemberData(nameof(Identities))]
    public async Task EveryRoute_EachRoleAndScope_CannotReadWhatIsNotTheirs(string identity)
    {
        var waveOperator = identity.StartsWith("wave operator", StringComparison.Ordinal);
        var http = identity switch
        {
            "zone key" => Client(ZoneKey),
            "municipality key" => Client(MunicipalityKey),
            "wave operator key" => Client(WaveOperatorKey),
            "analyst key" => Client(PipelineApplication.AnalystKey),
            "zone user" => User(EntraPrincipal.Of("ana@pz-demo.example", [AppRoles.ZoneAnalyst], [ZoneGroup])),
            "municipality user" => User(EntraPrincipal.Of("mo@gemeente.example", [AppRoles.MunicipalityAnalyst], [MunicipalityGroup])),
            "analyst user" => User(EntraPrincipal.Of("fed@police.example", [AppRoles.Analyst])),
            _ => User(EntraPrincipal.Of("op@pz-demo.example", [AppRoles.WaveOperator], [WaveGroup])),
        };
        var wave = waveOperator ? _other.Definition.Id : Id;
        HashSet<string> open = identity.StartsWith("analyst", StringComparison.Ordinal) ? ["GetAggregates", "Dashboard", "DashboardZone"]
            : waveOperator ? ["ListWaves", "ConsoleWaves"]
            : [];
        HashSet<string> cut = waveOperator ? ["ListWaves", "ConsoleWaves"] : open.Count == 0 ? ["Dashboard"] : [];
        var functions = Pipeline.Functions.Platform.FunctionCatalog.Of<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>().Where(f => !Public.Contains(f.Name)).ToList();
        Assert.True(functions.Count > 40, "every guarded function");
        foreach (var function in functions)
        {
            var trigger = function.TriggerAs<Microsoft.Azure.Functions.Worker.HttpTriggerAttribute>();
            var path = "/" + System.Text.RegularExpressions.Regex.Replace(trigger.Route!, @"\{\*?(\w+)\}", m => m.Groups[1].Value switch
            {
                "id" => wave,
                "zone" => "zone-2",
                "language" => "nl",
                _ => "x",
            });
            foreach (var method in trigger.Methods!)
            {
                async Task<(HttpStatusCode Status, string Body)> SendAsync(string query)
                {
                    var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), path + query) { Content = JsonContent.Create(new { }) });
                    return (response.StatusCode, await response.Content.ReadAsStringAsync());
                }

                var (status, body) = await SendAsync("?level=zone&area=zone-2&format=csv");
                Assert.True(status == (open.Contains(function.Name) ? HttpStatusCode.OK : HttpStatusCode.Forbidden), $"{identity}: {method} {path}: {status} {body}");
                if (cut.Contains(function.Name))
                {
                    // A list asked plainly: there, but cut to the scope.
                    (status, body) = await SendAsync(string.Empty);
                    Assert.True(status == HttpStatusCode.OK, $"{identity}: {method} {path}: {status}");
                    Assert.DoesNotContain(waveOperator ? _other.Definition.Id : $"/dashboard/{Id}/zones/zone-2", body, StringComparison.Ordinal);
                }
            }
        }
    }

    /// <summary>A principal header that is no principal is no user: 401, never a 500.</summary>
    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("W1sxLDJdXQ==")] // [[1,2]]
    [InlineData("eyJjbGFpbXMiOiJ4In0=")] // {"claims":"x"}
    [InlineData("e30=")] // {}: no name
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6InByZWZlcnJlZF91c2VybmFtZSIsInZhbCI6Ilx1ZDgwMCJ9XX0=")] // a lone surrogate: no string
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6MSwidmFsIjpudWxsfV19")] // {"claims":[{"typ":1,"val":null}]}
    [InlineData("eyJjbGFpbXMiOlt7InR5cCI6InJvbGVzIiwidmFsIjoiU3VydmV5Lk9wZXJhdG9yIn1d")] // a truncated JSON
    public async Task MalformedPrincipal_NoUser_401(string header)
    {
        var response = await User(header).GetAsync(new Uri("/api/waves", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await User(new string('A', 40_000)).GetAsync(new Uri("/api/waves", UriKind.Relative))).StatusCode);
    }

    [Theory]
    [InlineData("", "0123456789012345678901234567890123456789012345678901234567890123", "Analyst", null, null, "Name")]
    [InlineData("a", "not-a-hash", "Analyst", null, null, "Hash")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Admin", null, null, "Role")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Operator", "zone-1", null, "analysts' keys only")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Analyst", null, "Gemeente", "zone/municipality")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Operator", null, null, "no wave id", "Wave One")]
    public void Configuration_EveryWrongFieldNamed_OfKeys(string name, string hash, string role, string? zone, string? municipality, string says, string? wave = null)
    {
        var options = new AccessOptions { Keys = [new NamedKey { Name = name, Hash = hash, Role = role, Zones = zone is null ? [] : [zone], Municipalities = municipality is null ? [] : [municipality], Waves = wave is null ? [] : [wave] }] };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains(says, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("not-a-guid", null, null, "Groups:0:Id")]
    [InlineData("{5d0f3c1e-8a57-4c3b-9d7e-0a1b2c3d4e5f}", null, null, "Groups:0:Id")]
    [InlineData("5d0f3c1e-8a57-4c3b-9d7e-0a1b2c3d4e5f", "Wave One", null, "Groups:0:Waves: 'Wave One' is no wave id")]
    [InlineData("5d0f3c1e-8a57-4c3b-9d7e-0a1b2c3d4e5f", null, "Gemeente", "Groups:0:Municipalities")]
    public void Configuration_EveryWrongFieldNamed_OfGroups(string id, string? wave, string? municipality, string says)
    {
        var options = new AccessOptions { Groups = [new AccessGroup { Id = id, Waves = wave is null ? [] : [wave], Municipalities = municipality is null ? [] : [municipality] }] };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains(says, StringComparison.Ordinal));
        Assert.Empty(new AccessOptions { Groups = [new AccessGroup { Id = "5d0f3c1e-8a57-4c3b-9d7e-0a1b2c3d4e5f", Zones = ["zone-1"] }] }.Validate(new ValidationContext(options)));
    }
}
