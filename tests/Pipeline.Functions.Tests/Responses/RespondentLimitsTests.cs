using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Pipeline.Functions.Tests;

/// <summary>429 with Retry-After, per token and per client address.</summary>
public sealed class RespondentLimitsTests
{
    [Fact]
    public async Task Post_OverTheTokenLimit_429WithRetryAfter_OtherTokensStillServed()
    {
        await using var app = new PipelineApplication { Settings = { ["Responses:TokenPermitsPerMinute"] = "2" } };
        var wave = await FieldworkWave.StartAsync(app, people: 4);
        var http = app.CreateClient();
        var token = wave.NextToken();
        var wrong = new { token, answers = new { buurt_inbraak = "7" } };

        var first = await http.PostAsJsonAsync("/api/responses", wrong);
        var second = await http.PostAsJsonAsync("/api/responses", wrong);
        var third = await http.PostAsJsonAsync("/api/responses", wrong);
        var other = await http.PostAsJsonAsync("/api/responses", new { token = wave.NextToken(), answers = wave.Answers() });

        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], [first.StatusCode, second.StatusCode, third.StatusCode]);
        Assert.InRange(int.Parse(third.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Contains("this token", JsonDocument.Parse(await WaveTestKit.ProblemAsync(third)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
    }

    [Fact]
    public async Task Post_OverTheClientLimit_429WithRetryAfter()
    {
        await using var app = new PipelineApplication { Settings = { ["Responses:ClientPermitsPerMinute"] = "3" } };
        var http = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await http.PostAsJsonAsync("/api/responses", new { token = "ABCD" })).StatusCode);
        }

        var last = await http.PostAsJsonAsync("/api/responses", new { token = "ABCD" });
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last.Headers.Contains("Retry-After"));
        Assert.Contains("your address", JsonDocument.Parse(await WaveTestKit.ProblemAsync(last)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
