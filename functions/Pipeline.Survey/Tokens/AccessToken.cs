using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace Pipeline.Survey.Tokens;

/// <summary>
/// A respondent's access token: 12 characters from an alphabet without look-alikes, then one check character,
/// shown as <c>XXXX-XXXX-XXXX-C</c>. It is derived, never drawn: HMAC-SHA256(wave secret, wave id and person
/// reference), so a re-run after a crash reproduces the same token and no second token can exist for a person.
/// </summary>
/// <remarks>
/// The alphabet has 31 symbols (digits 2–9 and A–Z without I, L and O), so the 12 characters carry 59.45 bits.
/// 31 is prime, so the weighted check (weights 1–13, sum ≡ 0 mod 31) catches every single wrong character and
/// every swap of two neighbours, the check character included.
/// </remarks>
internal sealed record AccessToken
{
    public const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    public const int DataLength = 12;
    public const int Length = DataLength + 1;
    private const int Base = 31;

    private AccessToken(string value) => Value = value;

    /// <summary>The 13 characters without separators, upper case.</summary>
    public string Value { get; }

    /// <summary>The form printed on letters and typed by respondents.</summary>
    public string Display => $"{Value[..4]}-{Value[4..8]}-{Value[8..12]}-{Value[12]}";

    public override string ToString() => "AccessToken(redacted)";

    /// <summary>The person's token in a wave: the same inputs always give the same token.</summary>
    public static AccessToken Derive(byte[] waveSecret, string waveId, string personReference)
    {
        var mac = HMACSHA256.HashData(waveSecret, Encoding.UTF8.GetBytes($"{waveId}\n{personReference}"));
        var number = new BigInteger(mac, isUnsigned: true);
        var data = new char[DataLength];
        for (var i = 0; i < DataLength; i++)
        {
            data[i] = Alphabet[(int)(number % Base)];
            number /= Base;
        }

        return new AccessToken(new string(data) + CheckCharacter(data));
    }

    /// <summary>
    /// Reads what a respondent typed: case, spaces and hyphens do not matter. A letter's QR code, as a scanner types it (the
    /// survey's address with the token after <c>#</c>), reads as its token.
    /// </summary>
    public static TokenParse Parse(string? input)
    {
        if (input is not null && input.StartsWith("http", StringComparison.OrdinalIgnoreCase) && input.LastIndexOf('#') is var hash and > 0)
        {
            input = input[(hash + 1)..];
        }

        var text = new StringBuilder(Length);
        foreach (var c in input ?? string.Empty)
        {
            if (c is '-' or ' ' or '\t')
            {
                continue;
            }

            var upper = char.ToUpperInvariant(c);
            if (!Alphabet.Contains(upper, StringComparison.Ordinal))
            {
                var hint = upper switch
                {
                    '0' or 'O' or '1' or 'I' or 'L' => $" Tokens never contain 0, O, 1, I or L; check the letter for '{c}'.",
                    _ => string.Empty,
                };
                return TokenParse.Fail(TokenProblem.BadCharacter, $"The token contains '{c}', which no token has.{hint}");
            }

            text.Append(upper);
        }

        if (text.Length != Length)
        {
            return TokenParse.Fail(TokenProblem.WrongLength, $"A token has {Length} characters (XXXX-XXXX-XXXX-X); this one has {text.Length}.");
        }

        var value = text.ToString();
        if (value[DataLength] != CheckCharacter(value.AsSpan(0, DataLength)))
        {
            return TokenParse.Fail(TokenProblem.CheckFailed, "The token has a typing error: its check character does not match. Compare it with the letter, character by character.");
        }

        return new TokenParse(new AccessToken(value), TokenProblem.None, null);
    }

    /// <summary>The keyed hash under which storage knows this token; the token itself is never stored.</summary>
    public string KeyedHash(byte[] serverKey) => Convert.ToHexStringLower(HMACSHA256.HashData(serverKey, Encoding.ASCII.GetBytes(Value)));

    /// <summary>The character c that makes Σ (i+1)·v(i) over all 13 positions ≡ 0 (mod 31).</summary>
    private static char CheckCharacter(ReadOnlySpan<char> data)
    {
        var sum = 0;
        for (var i = 0; i < data.Length; i++)
        {
            sum += (i + 1) * Alphabet.IndexOf(data[i], StringComparison.Ordinal);
        }

        // 13·c ≡ −sum (mod 31); 13⁻¹ ≡ 12 (mod 31) because 13·12 = 156 = 5·31 + 1.
        var c = ((-sum % Base) + Base) % Base * 12 % Base;
        return Alphabet[c];
    }
}

/// <summary>Why a typed token was refused.</summary>
internal enum TokenProblem
{
    None,
    BadCharacter,
    WrongLength,
    CheckFailed,
}

/// <summary>The outcome of reading a typed token: the token, or the problem and a message for the respondent.</summary>
internal sealed record TokenParse(AccessToken? Token, TokenProblem Problem, string? Message)
{
    [MemberNotNullWhen(true, nameof(Token))]
    public bool Ok => Token is not null;

    public static TokenParse Fail(TokenProblem problem, string message) => new(null, problem, message);
}
