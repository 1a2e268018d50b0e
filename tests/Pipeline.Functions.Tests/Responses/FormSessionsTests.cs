using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Tests;

/// <summary>The form's session cookie: the token sealed with its expiry, never in clear, and nothing else opens as one.</summary>
public sealed class FormSessionsTests
{
    private const string Token = "ABCDEFGHJKMNP";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));

    private FormSessions Sessions(string hashKey = "test-token-hash-key-0123456789abcdef") =>
        new(Options.Create(new WaveOptions { TokenSecret = "test-token-secret-0123456789abcdef", TokenHashKey = hashKey }), _clock);

    private static string StartCookie(FormSessions sessions)
    {
        var http = new DefaultHttpContext();
        sessions.Start(http, Token);
        var header = http.Response.Headers.SetCookie.Single()!;
        return header[..header.IndexOf(';', StringComparison.Ordinal)];
    }

    private static DefaultHttpContext With(string cookie)
    {
        var http = new DefaultHttpContext();
        http.Request.Headers.Cookie = cookie;
        return http;
    }

    [Fact]
    public void Read_WithinItsLength_TheToken_NeverInClear()
    {
        var sessions = Sessions();
        var cookie = StartCookie(sessions);
        _clock.Advance(FormSessions.Length - TimeSpan.FromSeconds(5));

        Assert.Equal(Token, sessions.Read(With(cookie)));
        Assert.DoesNotContain(Token, cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Read_PastItsLength_NoSession()
    {
        var sessions = Sessions();
        var cookie = StartCookie(sessions);
        _clock.Advance(FormSessions.Length + TimeSpan.FromSeconds(1));

        Assert.Null(sessions.Read(With(cookie)));
    }

    [Fact]
    public void Read_AlteredOrOtherKey_NoSession()
    {
        var cookie = StartCookie(Sessions());
        var value = cookie[(cookie.IndexOf('=', StringComparison.Ordinal) + 1)..];
        var altered = value[..20] + (value[20] == 'A' ? 'B' : 'A') + value[21..];

        Assert.Null(Sessions().Read(With($"{FormSessions.Cookie}={altered}")));
        Assert.Null(Sessions("another-token-hash-key-0123456789abcdef").Read(With(cookie)));
        Assert.Null(Sessions().Read(With($"{FormSessions.Cookie}={new string('A', 600)}")));
        Assert.Null(Sessions().Read(With($"{FormSessions.Cookie}=%%%")));
    }
}
