using System.Text;
using Pipeline.Survey.Tokens;

namespace Pipeline.Survey.Tests;

public sealed class AccessTokenTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("wave-secret-for-tests-0123456789");

    [Fact]
    public void Derive_SameInputs_SameToken_OtherPerson_OtherToken()
    {
        var a = AccessToken.Derive(Secret, "w1", "P-0001");
        Assert.Equal(a.Value, AccessToken.Derive(Secret, "w1", "P-0001").Value);
        Assert.NotEqual(a.Value, AccessToken.Derive(Secret, "w1", "P-0002").Value);
        Assert.NotEqual(a.Value, AccessToken.Derive(Secret, "w2", "P-0001").Value);
        Assert.Matches("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]$", a.Display);
        Assert.DoesNotContain(a.Value, a.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Derive_ManyPeople_NoCollisions_AllCharactersUsed()
    {
        var tokens = Enumerable.Range(0, 20_000).Select(i => AccessToken.Derive(Secret, "w", $"P{i}").Value).ToList();
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(AccessToken.Alphabet.Length, tokens.SelectMany(t => t[..AccessToken.DataLength]).Distinct().Count());
    }

    /// <summary>A scanner reading a letter's QR code types the survey's address with the token after '#': it reads as the token.</summary>
    [Fact]
    public void Parse_TheLettersQrCodeAsScanned_ReadsAsItsToken_OtherTextAfterAHashDoesNot()
    {
        var token = AccessToken.Derive(Secret, "w1", "P-0001");
        Assert.Equal(token.Value, AccessToken.Parse($"https://survey.example.be/#{token.Value}").Token?.Value);
        Assert.Equal(token.Value, AccessToken.Parse($"HTTP://localhost:7071/#{token.Display.ToLowerInvariant()}").Token?.Value);
        Assert.False(AccessToken.Parse($"#{token.Value}x").Ok);
        Assert.False(AccessToken.Parse("https://survey.example.be/").Ok);
    }

    [Fact]
    public void Parse_DisplayOrLowerCaseOrSpaced_Accepted()
    {
        var token = AccessToken.Derive(Secret, "w1", "P-0001");
        Assert.Equal(token.Value, AccessToken.Parse(token.Display).Token?.Value);
        Assert.Equal(token.Value, AccessToken.Parse(token.Display.ToLowerInvariant().Replace('-', ' ')).Token?.Value);
    }

    [Fact]
    public void Parse_EverySingleTypo_IsCaught()
    {
        for (var p = 0; p < 200; p++)
        {
            var value = AccessToken.Derive(Secret, "w", $"P{p}").Value;
            for (var i = 0; i < AccessToken.Length; i++)
            {
                foreach (var c in AccessToken.Alphabet.Where(c => c != value[i]))
                {
                    var typo = value[..i] + c + value[(i + 1)..];
                    Assert.Equal(TokenProblem.CheckFailed, AccessToken.Parse(typo).Problem);
                }
            }
        }
    }

    [Fact]
    public void Parse_EverySwapOfNeighbours_IsCaught()
    {
        for (var p = 0; p < 2000; p++)
        {
            var value = AccessToken.Derive(Secret, "w", $"P{p}").Value;
            for (var i = 0; i + 1 < AccessToken.Length; i++)
            {
                if (value[i] == value[i + 1])
                {
                    continue;
                }

                var swapped = value[..i] + value[i + 1] + value[i] + value[(i + 2)..];
                Assert.Equal(TokenProblem.CheckFailed, AccessToken.Parse(swapped).Problem);
            }
        }
    }

    [Theory]
    [InlineData("", nameof(TokenProblem.WrongLength))]
    [InlineData("ABCD-EFGH", nameof(TokenProblem.WrongLength))]
    [InlineData("ABCD-EFGH-JK0M-N", nameof(TokenProblem.BadCharacter))]
    [InlineData("ABCD-EFGH-JKIM-N", nameof(TokenProblem.BadCharacter))]
    [InlineData("ABCD-EFGH-JK%M-N", nameof(TokenProblem.BadCharacter))]
    public void Parse_Malformed_SaysWhy(string input, string problem)
    {
        var parse = AccessToken.Parse(input);
        Assert.False(parse.Ok);
        Assert.Equal(problem, parse.Problem.ToString());
        Assert.False(string.IsNullOrEmpty(parse.Message));
    }

    [Fact]
    public void KeyedHash_DependsOnServerKey_AndDoesNotContainTheToken()
    {
        var token = AccessToken.Derive(Secret, "w1", "P-0001");
        var h1 = token.KeyedHash(Encoding.UTF8.GetBytes("server-key-1-0123456789abcdef"));
        var h2 = token.KeyedHash(Encoding.UTF8.GetBytes("server-key-2-0123456789abcdef"));
        Assert.NotEqual(h1, h2);
        Assert.Equal(64, h1.Length);
        Assert.DoesNotContain(token.Value.ToLowerInvariant(), h1, StringComparison.Ordinal);
    }
}
