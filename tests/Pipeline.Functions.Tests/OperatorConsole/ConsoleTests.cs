using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Responses;
using Pipeline.InProcess;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The operator console over HTTP: who may open it, the anti-forgery token of its forms (each attack performed and
/// shown failing), and its forms' errors next to the field with nothing stored.
/// </summary>
public sealed partial class ConsoleTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync() => _wave = await FieldworkWave.StartAsync(_app, people: 10);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    private HttpClient Browser() =>
        _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    private async Task<HttpClient> SignedInAsync(string key)
    {
        var browser = Browser();
        var signIn = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string> { ["key"] = key, ["return"] = "/console" }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return browser;
    }

    private static async Task<string> TokenAsync(HttpClient browser, string page)
    {
        var html = await browser.GetStringAsync(new Uri(page, UriKind.Relative));
        return FormToken().Match(html).Groups[1].Value;
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) => new(fields.Select(f => KeyValuePair.Create(f.Name, f.Value)));

    [Theory]
    [InlineData("/console")]
    [InlineData("/console/new")]
    [InlineData("/console/waves/{id}")]
    [InlineData("/console/waves/{id}/purge-now")]
    [InlineData("/console/waves/{id}/returned")]
    [InlineData("/console/waves/{id}/keying/forms")]
    [InlineData("/console/operations")]
    public async Task Pages_NoSession_SignIn_AnalystSession_403_OperatorSession_200(string path)
    {
        var url = path.Replace("{id}", _wave.Definition.Id, StringComparison.Ordinal);

        var anonymous = await Browser().GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.StartsWith("/signin?return=", anonymous.Headers.Location!.OriginalString, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync(PipelineApplication.AnalystKey)).GetAsync(new Uri(url, UriKind.Relative))).StatusCode);

        var page = await (await SignedInAsync(PipelineApplication.OperatorKey)).GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task WavesAndWavePage_ShowThePhaseProgressAndLetters_InTheAskedLanguage()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        Assert.Equal(HttpStatusCode.Created, (await _app.CreateClient().PostAsJsonAsync("/api/responses", new { token = _wave.NextToken(), answers = _wave.Answers() })).StatusCode);
        Assert.Equal(1, await _app.Services.GetRequiredService<Pipeline.Functions.Responses.ResponseRelease>().ReleaseAsync(default));

        var list = await browser.GetStringAsync(new Uri("/console?lang=fr", UriKind.Relative));
        Assert.Contains("<html lang=\"fr\"", list, StringComparison.Ordinal);
        Assert.Contains(">Enquêtes<", list, StringComparison.Ordinal);
        Assert.Contains($"/console/waves/{_wave.Definition.Id}?lang=fr", list, StringComparison.Ordinal);
        Assert.Contains("<td>Terrain</td>", list, StringComparison.Ordinal);

        var page = await browser.GetStringAsync(new Uri($"/console/waves/{_wave.Definition.Id}?lang=en", UriKind.Relative));
        Assert.Contains("<td class=\"n\">10</td>", page, StringComparison.Ordinal);
        Assert.Contains($"/api/waves/{_wave.Definition.Id}/letters/invitation/", page, StringComparison.Ordinal);
        Assert.Contains($"/console/waves/{_wave.Definition.Id}/cancel?lang=en", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/start?", page, StringComparison.Ordinal);
        Assert.Contains("<dt>Next timer</dt>", page, StringComparison.Ordinal);
        Assert.Contains($"/api/waves/{_wave.Definition.Id}/paper-questionnaire/nl\" download>Paper questionnaire, blank (Nederlands, PDF)", page, StringComparison.Ordinal);
        Assert.Matches("<th scope=\"row\">Gemeente 1\\.\\d</th>", page);
        Assert.Contains("Reminder planned at ", page, StringComparison.Ordinal);
        Assert.Contains("to about 9 people", page, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"1 responses over 1 days, at most 1 in a day\"", page, StringComparison.Ordinal);
        Assert.Matches(@"<td>\d+ letters: Invitation, zone-1, (nl|fr), batch 1</td>", page);
        Assert.DoesNotContain("Failed:", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutToken_WithAnotherSessionsToken_CrossSite_403_NothingDone()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var other = await SignedInAsync(PipelineApplication.OperatorKey);
        var cancel = new Uri($"/console/waves/{_wave.Definition.Id}/cancel", UriKind.Relative);
        var token = await TokenAsync(browser, cancel.OriginalString);
        Assert.NotEmpty(token);

        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(cancel, Form(("lang", "en")))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.PostAsync(cancel, Form(("lang", "en"), ("_token", await TokenAsync(other, cancel.OriginalString) + "x")))).StatusCode);
        var crossSite = new HttpRequestMessage(HttpMethod.Post, cancel) { Content = Form(("lang", "en"), ("_token", token)) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(crossSite)).StatusCode);
        var fetched = new HttpRequestMessage(HttpMethod.Post, cancel) { Content = Form(("lang", "en"), ("_token", token)) };
        fetched.Headers.Add("Sec-Fetch-Site", "cross-site");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(fetched)).StatusCode);

        // An analyst's session with a token of its own opens no console form either.
        var analyst = await SignedInAsync(PipelineApplication.AnalystKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.PostAsync(cancel, Form(("lang", "en"), ("_token", token)))).StatusCode);

        var view = await WaveTestKit.Operator(_app).Http.GetFromJsonAsync<JsonElement>($"/api/waves/{_wave.Definition.Id}");
        Assert.Equal("Fieldwork", view.GetProperty("phase").GetString());
    }

    /// <summary>The keying screen over HTTP: each bad input answered next to its field with nothing kept, a cross-site post refused.</summary>
    [Fact]
    public async Task Keying_BadKeyerTokenOrCodes_400NextToTheField_NothingKept_ThenFirstKeyingSaved()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var path = $"/console/waves/{_wave.Definition.Id}/keying/forms";
        var token = await TokenAsync(browser, path);
        var form = _wave.NextToken();
        async Task<(HttpStatusCode Status, string Html)> PostAsync(params (string, string)[] fields)
        {
            var response = await browser.PostAsync(new Uri(path, UriKind.Relative), Form([("lang", "en"), ("_token", token), .. fields]));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var noKeyer = await PostAsync(("step", "token"), ("keyer", " "), ("token", form));
        Assert.Equal(HttpStatusCode.BadRequest, noKeyer.Status);
        Assert.Contains("id=\"keyer-error\" role=\"alert\">Give your name or initials", noKeyer.Html, StringComparison.Ordinal);
        var posing = await PostAsync(("step", "token"), ("keyer", "bob@pz.example (Entra ID)"), ("token", form)); // as a signed-in user
        Assert.Equal(HttpStatusCode.BadRequest, posing.Status);
        Assert.Contains("not ending in &quot;(Entra ID)&quot;", posing.Html, StringComparison.Ordinal);
        var typo = await PostAsync(("step", "token"), ("keyer", "An"), ("token", form[..^1] + (form[^1] == 'A' ? 'B' : 'A')));
        Assert.Equal(HttpStatusCode.BadRequest, typo.Status);
        Assert.Contains("id=\"token-error\" role=\"alert\">Not a token:", typo.Html, StringComparison.Ordinal);

        var opened = await PostAsync(("step", "token"), ("keyer", "An"), ("token", form));
        Assert.Equal(HttpStatusCode.OK, opened.Status);
        Assert.Contains("First keying", opened.Html, StringComparison.Ordinal);
        Assert.Contains("pattern=\"\\s*(?:1|2|3|4|5)?\\s*\"", opened.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"a-buurt_inbraak\" name=\"a.buurt_inbraak\"", opened.Html, StringComparison.Ordinal);

        var wrong = await PostAsync(("step", "answers"), ("keyer", "An"), ("token", form), ("a.buurt_inbraak", "7"));
        Assert.Equal(HttpStatusCode.BadRequest, wrong.Status);
        Assert.Contains("<a href=\"#a-buurt_inbraak\">1. &#x27;7&#x27; is not a code of this question", wrong.Html, StringComparison.Ordinal);
        Assert.Contains("id=\"a-buurt_inbraak-error\"", wrong.Html, StringComparison.Ordinal);
        Assert.Empty(await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(PaperKeying.Table, TableQuery.All).ToListAsync());

        var saved = await PostAsync(("step", "answers"), ("keyer", "An"), ("token", form), ("a.buurt_inbraak", "2"));
        Assert.Equal(HttpStatusCode.OK, saved.Status);
        Assert.Contains("first keying saved", saved.Html, StringComparison.Ordinal);
        Assert.Matches("<th scope=\"row\">An</th><td class=\"n\">1</td>", saved.Html);

        var crossSite = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = Form(("lang", "en"), ("_token", token), ("step", "answers"), ("keyer", "Bart"), ("token", form), ("a.buurt_inbraak", "2")) };
        crossSite.Headers.Add("Origin", "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(crossSite)).StatusCode);
        Assert.Single(await _app.Services.GetRequiredService<ITableStore>().QueryAllAsync(PaperKeying.Table, TableQuery.All).ToListAsync());
    }

    /// <summary>Returned letters in the console: the tokens one per line, what each did next to the form, the form ready for the next.</summary>
    [Fact]
    public async Task Returned_TokensPerLine_ReportedPerLine()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var path = $"/console/waves/{_wave.Definition.Id}/returned";
        var token = await TokenAsync(browser, path);

        var empty = await browser.PostAsync(new Uri(path, UriKind.Relative), Form(("lang", "en"), ("_token", token), ("value", "\n")));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("id=\"value-error\"", await empty.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var taken = await browser.PostAsync(new Uri(path, UriKind.Relative), Form(("lang", "en"), ("_token", token), ("value", _wave.NextToken() + "\r\nnot-a-token\r\n")));
        var html = await taken.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, taken.StatusCode);
        Assert.Contains("<dt>Undeliverable</dt><dd>1</dd>", html, StringComparison.Ordinal);
        Assert.Matches("<td class=\"n\">2</td><td>Not a token: ", html);
    }

    [Fact]
    public async Task NewWave_MalformedOrInvalid_400_MessageNextToTheField_NothingStored_ThenCreated()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var token = await TokenAsync(browser, "/console/new");
        var wave = WaveTestKit.Wave("console-new");

        var malformed = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(("lang", "en"), ("_token", token), ("definition", "{\"id\": \"console-new\", ")));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var html = await malformed.Content.ReadAsStringAsync();
        Assert.Contains("id=\"definition-error\" role=\"alert\">The body is not valid JSON", html, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", html, StringComparison.Ordinal);

        var invalid = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(("lang", "en"), ("_token", token), ("definition", JsonSerializer.Serialize(wave with { Zones = [] }, WaveTestKit.Json))));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("zones: ", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await WaveTestKit.Operator(_app).Http.GetAsync(new Uri("/api/waves/console-new", UriKind.Relative))).StatusCode);

        var created = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(("lang", "nl"), ("_token", token), ("definition", JsonSerializer.Serialize(wave, WaveTestKit.Json))));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        Assert.Equal("/console/waves/console-new?lang=nl&done=created", created.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await WaveTestKit.Operator(_app).Http.GetAsync(new Uri("/api/waves/console-new", UriKind.Relative))).StatusCode);

        var again = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(("lang", "en"), ("_token", token), ("definition", JsonSerializer.Serialize(wave, WaveTestKit.Json))));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already exists", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewWave_ByFields_UnreadableAndInvalid_ErrorsNextToTheirFields_NothingStored_ThenCreated_DefinitionDownloads()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var token = await TokenAsync(browser, "/console/new");
        (string, string)[] Fields(string date, string url, string areas) =>
        [
            ("lang", "en"), ("_token", token), ("id", "console-fields"), ("title", "Veiligheidsmonitor test"), ("languages", "nl"), ("languages", "fr"),
            ("questionnaireVersion", "vm-2026.1"), ("surveyBaseUrl", url), ("invitationDate", date), ("reminderDelayDays", "21"), ("closeDate", ""),
            ("retentionDays", "30"), ("contact.phone", "+32 2 000 00 00"), ("contact.email", "vm@example.be"), ("areas", areas),
        ];
        const string areas = "zone;zone_name;municipality;neighbourhood\npz-a;PZ A;Gemeente A;Wijk 1\npz-a;PZ A;Gemeente A;Wijk 2\npz-b;PZ B;Gemeente B;Centrum\n";

        var unreadable = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(Fields("5 March", "https://survey.example.be", "zone;name\nx;y\n")));
        Assert.Equal(HttpStatusCode.BadRequest, unreadable.StatusCode);
        var html = await unreadable.Content.ReadAsStringAsync();
        Assert.Contains("<p class=\"error\" id=\"invitationDate-error\">Give a date as yyyy-MM-dd.</p>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"areas-error\">Line 1 must name the columns", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"#invitationDate\">", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Veiligheidsmonitor test\"", html, StringComparison.Ordinal);

        var invalid = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(Fields("2027-03-01", "ftp://survey.example.be", areas)));
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.Contains("id=\"surveyBaseUrl-error\">Give the survey site", await invalid.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await WaveTestKit.Operator(_app).Http.GetAsync(new Uri("/api/waves/console-fields", UriKind.Relative))).StatusCode);

        var created = await browser.PostAsync(new Uri("/console/waves", UriKind.Relative), Form(Fields("2027-03-01", "https://survey.example.be", areas)));
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        var definition = await browser.GetFromJsonAsync<JsonElement>("/console/waves/console-fields/definition/json");
        Assert.Equal(2, definition.GetProperty("zones").GetArrayLength());
        Assert.Equal(2, definition.GetProperty("zones")[0].GetProperty("municipalities")[0].GetProperty("neighbourhoods").GetArrayLength());
        Assert.Equal(30, definition.GetProperty("retentionDays").GetInt32());
        Assert.Contains("/console/waves/console-fields/definition/json", await browser.GetStringAsync(new Uri("/console/waves/console-fields", UriKind.Relative)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Actions_ConfirmationsRefuseWrongInput_ThenCancel_AndForAStoppedRun_PurgeNow()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 6, change: d => d with { RetentionDays = 30 });
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var id = wave.Definition.Id;
        var kit = WaveTestKit.Operator(_app);
        async Task<HttpResponseMessage> ActAsync(string action, string value) =>
            await browser.PostAsync(new Uri($"/console/waves/{id}/{action}", UriKind.Relative), Form(("lang", "en"), ("_token", await TokenAsync(browser, $"/console/waves/{id}/{action}")), ("value", value)));

        var badTime = await ActAsync("reminder", "next tuesday");
        Assert.Equal(HttpStatusCode.BadRequest, badTime.StatusCode);
        Assert.Contains("id=\"value-error\"", await badTime.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var past = await ActAsync("reminder", "2020-01-01T08:00");
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("Give a future time", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var running = await ActAsync("close-now", id);
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Contains("closes and purges it itself", await running.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await ActAsync("cancel", string.Empty)).StatusCode);
        await WaitAsync(async () => (await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{id}")).GetProperty("phase").GetString() == "Cancelled");

        // The run now waits out the retention; it stops anyway (terminated with the engine's own tools).
        await _app.Services.GetRequiredService<HubClient>().TerminateInstanceAsync(id, (object)"test");
        await WaitAsync(async () => (await browser.GetStringAsync(new Uri($"/console/waves/{id}", UriKind.Relative))).Contains("/purge-now?", StringComparison.Ordinal));

        var wrongId = await ActAsync("purge-now", id + "x");
        Assert.Equal(HttpStatusCode.BadRequest, wrongId.StatusCode);
        Assert.Contains($"type {id}", await wrongId.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.False((await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{id}")).GetProperty("purged").GetBoolean());

        var purged = await ActAsync("purge-now", id);
        Assert.Equal(HttpStatusCode.Redirect, purged.StatusCode);
        Assert.True((await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{id}")).GetProperty("purged").GetBoolean());
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient browser, string id, string action, string? csv, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent("en"), "lang" },
            { new StringContent(await TokenAsync(browser, $"/console/waves/{id}/{action}")), "_token" },
        };
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        if (csv is not null)
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "sample.csv");
        }

        return await browser.PostAsync(new Uri($"/console/waves/{id}/{action}", UriKind.Relative), form);
    }

    [Fact]
    public async Task Sample_NoFile_RefusedRowsByLine_ThenAccepted_ThenDrawn_Replaced_UntilTheStart()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var kit = WaveTestKit.Operator(_app);
        var wave = WaveTestKit.Wave("console-sample");
        Assert.Equal(HttpStatusCode.Created, (await kit.Http.PostAsJsonAsync("/api/waves", wave, WaveTestKit.Json)).StatusCode);

        var none = await UploadAsync(browser, wave.Id, "sample", null);
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
        Assert.Contains("id=\"file-error\" role=\"alert\">Choose a file.", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var good = WaveTestKit.Csv(wave, 20);
        var lines = good.Split('\n');
        var broken = string.Join('\n', lines.Take(3)) + "\n" + lines[3].Replace(";nl;", ";xx;", StringComparison.Ordinal).Replace(";fr;", ";xx;", StringComparison.Ordinal) + "\n" + string.Join('\n', lines.Skip(4));
        var refused = await UploadAsync(browser, wave.Id, "sample", broken);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusedHtml = await refused.Content.ReadAsStringAsync();
        Assert.Contains("nothing was imported", refusedHtml, StringComparison.Ordinal);
        Assert.Matches("<td class=\"n\">4</td><td>[^<]+</td>", refusedHtml);
        Assert.Equal(0, (await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Id}")).GetProperty("sampleSize").GetInt32());

        var accepted = await UploadAsync(browser, wave.Id, "sample", good);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("role=\"status\">Done.", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(20, (await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Id}")).GetProperty("sampleSize").GetInt32());

        var badSeed = await UploadAsync(browser, wave.Id, "draw", WaveTestKit.Csv(wave, 300, seed: 2), ("seed", "twelve"), ("perZone", "10"));
        Assert.Equal(HttpStatusCode.BadRequest, badSeed.StatusCode);
        Assert.Contains("seed: Give a whole number.", await badSeed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var drawn = await UploadAsync(browser, wave.Id, "draw", WaveTestKit.Csv(wave, 300, seed: 2), ("seed", "42"), ("perZone", "10"));
        Assert.Equal(HttpStatusCode.OK, drawn.StatusCode);
        var drawnHtml = await drawn.Content.ReadAsStringAsync();
        Assert.Contains("Seed (empty: at random): 42", drawnHtml, StringComparison.Ordinal);
        Assert.Contains(">Population</th>", drawnHtml, StringComparison.Ordinal);
        Assert.Equal(20, (await kit.Http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Id}")).GetProperty("sampleSize").GetInt32());
        Assert.Contains("/start?lang=en", await browser.GetStringAsync(new Uri($"/console/waves/{wave.Id}?lang=en", UriKind.Relative)), StringComparison.Ordinal);

        // Once started, the sample is fixed: the console no longer offers the upload, and a forged upload is refused.
        var started = await UploadAsync(browser, _wave.Definition.Id, "sample", good);
        Assert.Equal(HttpStatusCode.Conflict, started.StatusCode);
        Assert.Contains("fixed once the wave has started", await started.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_KeyedFile_ReportPerLine_TheAnswerStored()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);
        var questions = _wave.Questionnaire.Questions.Select(q => q.Id).ToList();
        var answers = Pipeline.Survey.Questionnaires.SyntheticAnswers.Complete(_wave.Questionnaire, new Random(3));
        string Row(string token) => token + ";nl;" + string.Join(";", questions.Select(q => answers.TryGetValue(q, out var v) ? string.Join("|", v) : ""));
        var csv = "token;language;" + string.Join(";", questions) + "\n" + Row(_wave.NextToken()) + "\n" + Row("ABCD-EFGH-JKMN-P") + "\n";

        var response = await UploadAsync(browser, _wave.Definition.Id, "paper", csv);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Matches("<dt>Accepted</dt><dd>1</dd><dt>Refused</dt><dd>1</dd>", html);
        Assert.Contains("<td class=\"n\">3</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proof_OneLetterPerLanguage_ARealPdf_OperatorsOnly()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);

        var proof = await browser.GetAsync(new Uri($"/console/waves/{_wave.Definition.Id}/proof/reminder", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, proof.StatusCode);
        Assert.Equal("application/pdf", proof.Content.Headers.ContentType!.MediaType);
        using var pdf = new MemoryStream(await proof.Content.ReadAsByteArrayAsync());
        var pages = Pipeline.Tests.Shared.PdfText.Pages(pdf);
        // A reminder's proof is its pack: the letter, then the enclosed paper questionnaire, per language.
        var pack = pages.Count / _wave.Definition.Languages.Count;
        Assert.True(pack > 1 && pages.Count % _wave.Definition.Languages.Count == 0, $"{pages.Count} pages");
        Assert.Contains("nog niet deelgenomen", pages[0], StringComparison.Ordinal);
        Assert.Contains(_wave.Definition.SurveyBaseUrl, pages[pack], StringComparison.Ordinal);
        Assert.Contains("1. " + _wave.Questionnaire.Questions.First().Text["nl"], pages[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(new Uri($"/console/waves/{_wave.Definition.Id}/proof/Reminder", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await SignedInAsync(PipelineApplication.AnalystKey)).GetAsync(new Uri($"/console/waves/{_wave.Definition.Id}/proof/reminder", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Operations_StorageHealth_AStoppedRunWithItsWayBack_Instances_ReadOnly()
    {
        var wave = await FieldworkWave.StartAsync(_app, people: 4);
        await _app.Services.GetRequiredService<HubClient>().TerminateInstanceAsync(wave.Definition.Id, (object)"operator error");
        await WaitAsync(async () => (await _app.Services.GetRequiredService<HubClient>().GetInstanceAsync(wave.Definition.Id))!.RuntimeStatus == Microsoft.DurableTask.Client.OrchestrationRuntimeStatus.Terminated);
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);

        var page = await browser.GetStringAsync(new Uri("/console/operations?lang=en", UriKind.Relative));

        Assert.Matches("<td>(Blob|blob)[^<]*</td><td>ok</td>", page);
        var failed = page[page.IndexOf("<h2>Failed runs</h2>", StringComparison.Ordinal)..page.IndexOf("<h2>Task hub instances", StringComparison.Ordinal)];
        Assert.Contains($"/console/waves/{wave.Definition.Id}?lang=en", failed, StringComparison.Ordinal);
        Assert.Contains("Terminated", failed, StringComparison.Ordinal);
        Assert.DoesNotContain(_wave.Definition.Id, failed, StringComparison.Ordinal);
        Assert.Contains(_wave.Definition.Id, page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);

        var bad = await browser.GetAsync(new Uri("/console/operations?continuation=%%%", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("continuation is not a token this API issued", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownWaveOrAction_404Page()
    {
        var browser = await SignedInAsync(PipelineApplication.OperatorKey);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(new Uri("/console/waves/no-such-wave", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(new Uri($"/console/waves/{_wave.Definition.Id}/terminate", UriKind.Relative))).StatusCode);
    }

    private static async Task WaitAsync(Func<Task<bool>> done)
    {
        for (var i = 0; i < 200 && !await done(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(await done());
    }

    [GeneratedRegex("name=\"_token\" value=\"([^\"]*)\"")]
    private static partial Regex FormToken();
}
