using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Tests;

/// <summary>The global limit on token guesses: a guesser spread over many addresses still meets it, and an alert is logged.</summary>
public sealed class TokenGuessTests
{
    [Fact]
    public async Task UnknownTokens_PastTheGlobalBudget_EveryLookup429_AlertLogged()
    {
        var alerts = new LogCapture();
        await using var app = new PipelineApplication
        {
            Settings = { ["Responses:UnknownTokensPerMinute"] = "3" },
            ConfigureServices = s => s.AddSingleton<ILoggerProvider>(alerts),
        };
        var wave = await FieldworkWave.StartAsync(app, people: 2);
        var guesser = app.CreateClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var guess = AccessToken.Derive(new byte[32], "guess", $"G{i}").Display;
            answers.Add((await guesser.PostAsJsonAsync("/api/responses", new { token = guess, answers = wave.Answers(0) })).StatusCode);
        }

        var valid = await app.CreateClient().PostAsJsonAsync("/api/responses", new { token = wave.Tokens[0], answers = wave.Answers(0) });

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], answers);
        Assert.Equal(HttpStatusCode.TooManyRequests, valid.StatusCode);
        Assert.Contains(alerts.Lines, l => l.Contains("unknown-token answers surge", StringComparison.Ordinal));
    }
}
