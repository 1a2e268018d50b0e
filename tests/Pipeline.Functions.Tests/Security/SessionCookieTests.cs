using System.Buffers.Text;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Tests;

/// <summary>The browser's session cookie is signed under the key that signed in: nothing else opens it.</summary>
public sealed class SessionCookieTests
{
    private const string Analyst = "analyst-key-for-the-cookie-0123456789";
    private const string Operator = "operator-key-for-the-cookie-0123456789";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 3, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly AnalystOptions _analysts = new() { Keys = [Analyst] };
    private readonly OperatorOptions _operators = new() { Keys = [Operator] };

    private KeyRing Ring() => new(Options.Create(_operators), Options.Create(_analysts), Options.Create(new AccessOptions()), _clock);

    [Fact]
    public void Cookie_ReadsAsTheRoleItWasIssuedFor()
    {
        Assert.Equal(Role.Analyst, Ring().Read(Ring().Issue(Analyst, Role.Analyst)));
        Assert.Equal(Role.Operator, Ring().Read(Ring().Issue(Operator, Role.Operator)));
    }

    [Fact]
    public void AnalystCookie_RewrittenToOperator_Refused()
    {
        var cookie = Ring().Issue(Analyst, Role.Analyst);
        var (payload, mac) = (Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cookie.Split('.')[0])), cookie.Split('.')[1]);

        var raised = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(payload.Replace("Analyst|", "Operator|", StringComparison.Ordinal))) + "." + mac;

        Assert.Null(Ring().Read(raised));
    }

    [Fact]
    public void Cookie_AfterItsKeyIsTakenOut_Refused_AfterEightHours_Refused()
    {
        var cookie = Ring().Issue(Analyst, Role.Analyst);
        _clock.Advance(KeyRing.SessionLength);
        Assert.Null(Ring().Read(cookie));

        var fresh = Ring().Issue(Analyst, Role.Analyst);
        _analysts.Keys = ["another-analyst-key-0123456789abcdef"];
        Assert.Null(Ring().Read(fresh));
    }

    [Fact]
    public void Cookie_NeverHoldsTheKey()
    {
        var cookie = Ring().Issue(Analyst, Role.Analyst);

        Assert.DoesNotContain(Analyst, Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cookie.Split('.')[0])), StringComparison.Ordinal);
    }
}
