using System.Net;
using Pipeline.Survey.Questionnaires;
using Pipeline.Tests.Shared;

namespace Pipeline.Functions.Tests;

/// <summary>The blank paper questionnaire of a wave over HTTP: a real PDF in the asked language, operators only.</summary>
public sealed class PaperQuestionnaireTests : IAsyncLifetime, IDisposable
{
    private readonly PipelineApplication _app = new();
    private FieldworkWave _wave = null!;

    public async Task InitializeAsync() => _wave = await FieldworkWave.StartAsync(_app, people: 4);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Blank_InTheWavesLanguage_APdfOfItsQuestions()
    {
        var language = _wave.Definition.Languages[^1];
        var response = await WaveTestKit.Operator(_app).Http.GetAsync(new Uri($"/api/waves/{_wave.Definition.Id}/paper-questionnaire/{language}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType!.MediaType);
        using var pdf = new MemoryStream(await response.Content.ReadAsByteArrayAsync());
        var text = string.Join(" ", PdfText.Pages(pdf));
        Assert.Contains("1. " + _wave.Questionnaire.Questions.First().Text.In(language), text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xx", null, HttpStatusCode.NotFound)]
    [InlineData("nl", "no-such-zone", HttpStatusCode.NotFound)]
    public async Task Blank_LanguageOrZoneNotInTheWave_404(string language, string? zone, HttpStatusCode status)
    {
        var url = $"/api/waves/{_wave.Definition.Id}/paper-questionnaire/{language}" + (zone is null ? string.Empty : $"?zone={zone}");

        var response = await WaveTestKit.Operator(_app).Http.GetAsync(new Uri(url, UriKind.Relative));

        Assert.Equal(status, response.StatusCode);
        Assert.Contains(_wave.Definition.Id, await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Blank_AnalystOrNoKey_Refused()
    {
        var url = new Uri($"/api/waves/{_wave.Definition.Id}/paper-questionnaire/nl", UriKind.Relative);
        var analyst = _app.CreateClient();
        analyst.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.AnalystKey);

        Assert.Equal(HttpStatusCode.Forbidden, (await analyst.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _app.CreateClient().GetAsync(url)).StatusCode);
    }
}
