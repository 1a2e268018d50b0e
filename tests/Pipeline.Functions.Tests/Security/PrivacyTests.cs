using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Tests;

/// <summary>No log line holds a token, its hash, a name or an address, even with every log level at Trace.</summary>
public sealed class PrivacyTests
{
    [Fact]
    public async Task Logs_AtTraceEverywhere_NeverHoldATokenOrAPerson()
    {
        var capture = new LogCapture();
        await using var app = new PipelineApplication
        {
            Settings = { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace" },
            ConfigureServices = s => s.AddSingleton<ILoggerProvider>(capture),
        };
        var wave = await FieldworkWave.StartAsync(app, people: 4);
        var http = app.CreateClient(new() { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });
        var token = wave.Tokens[0];
        var compact = token.Replace("-", "", StringComparison.Ordinal);

        await http.PostAsync(new Uri("/", UriKind.Relative), new FormUrlEncodedContent([new("token", token), new("lang", "nl")]));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/form?page=1", UriKind.Relative))).StatusCode);
        await http.PostAsync(new Uri("/form", UriKind.Relative), new FormUrlEncodedContent([new("page", "1"), new("action", "next"), new("q.buurt_inbraak", "2")]));
        await http.PostAsJsonAsync("/api/optout", new { token = wave.Tokens[1] });
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/responses", new { token, answers = wave.Answers() })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await http.PostAsJsonAsync("/api/responses", new { token, answers = wave.Answers() })).StatusCode);
        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);

        var hash = app.Services.GetRequiredService<TokenDirectory>().Hash(AccessToken.Parse(token).Token!);
        var person = wave.People[0];
        Assert.NotEmpty(capture.Lines);
        Assert.Contains(capture.Lines, l => l.Contains("Released 1 responses", StringComparison.Ordinal));
        foreach (var secret in new[] { token, compact, wave.Tokens[1], hash, person.PersonReference, person.Name, person.AddressLine1 })
        {
            Assert.DoesNotContain(capture.Lines, l => l.Contains(secret, StringComparison.OrdinalIgnoreCase));
        }
    }
}
