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
        },
    };

    private FieldworkWave _other = null!;

    private FieldworkWave _wave = null!;

    public async Task InitializeAsync()
    {
        // The operator's key opens this wave only (set before the app starts with the first request).
        var id = "scoped-" + Guid.NewGuid().ToString("N")[..8];
        _app.Settings["Access:Keys:2:Waves:0"] = id;
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
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.GetAsync(new Uri($"/console/waves/{_other.Definition.Id}", UriKind.Relative))).StatusCode);
        Assert.Equal("Fieldwork", (await Client(PipelineApplication.OperatorKey).GetFromJsonAsync<JsonElement>($"/api/waves/{_other.Definition.Id}")).GetProperty("phase").GetString());
    }

    [Theory]
    [InlineData("", "0123456789012345678901234567890123456789012345678901234567890123", "Analyst", null, null, "Name")]
    [InlineData("a", "not-a-hash", "Analyst", null, null, "Hash")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Admin", null, null, "Role")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Operator", "zone-1", null, "analysts' keys only")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Analyst", null, "Gemeente", "zone/municipality")]
    [InlineData("a", "0123456789012345678901234567890123456789012345678901234567890123", "Operator", null, null, "no wave id", "Wave One")]
    public void Configuration_EveryWrongFieldNamed(string name, string hash, string role, string? zone, string? municipality, string says, string? wave = null)
    {
        var options = new AccessOptions { Keys = [new NamedKey { Name = name, Hash = hash, Role = role, Zones = zone is null ? [] : [zone], Municipalities = municipality is null ? [] : [municipality], Waves = wave is null ? [] : [wave] }] };

        var errors = options.Validate(new ValidationContext(options)).Select(e => e.ErrorMessage).ToList();

        Assert.Contains(errors, e => e!.Contains(says, StringComparison.Ordinal));
    }
}
