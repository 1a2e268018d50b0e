using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;
using Pipeline.Functions.Platform;

namespace Pipeline.Functions.Waves;

/// <summary>
/// The global limit on token guesses: well-formed tokens that no survey has, from all clients together, at most
/// <see cref="TokenGuessOptions.UnknownTokensPerMinute"/> a minute. Past it, every token lookup waits for the next minute
/// (<see cref="TokenState.Busy"/>, 429), however many addresses a guesser spreads over, and an alert is logged once a
/// minute. Per-client limits stop one address; this stops a botnet.
/// </summary>
internal sealed class TokenGuesses(IOptions<TokenGuessOptions> options, TimeProvider time, ILogger<TokenGuesses> logger)
    : PerKeyLimiter(() => options.Value.UnknownTokensPerMinute)
{
    private const string Everyone = "unknown tokens";

    private long _alertedMinute = -1;

    /// <summary>True while this minute's unknown tokens are used up.</summary>
    public bool Exhausted() => Exhausted(Everyone);

    /// <summary>Counts one unknown token; logs the alert (once a minute) when the budget runs out.</summary>
    public void CountUnknown()
    {
        var minute = time.GetUtcNow().ToUnixTimeSeconds() / 60;
        if ((TryAcquire(Everyone) is not null || Exhausted()) && Interlocked.Exchange(ref _alertedMinute, minute) != minute)
        {
            Log.TokenGuessSurge(logger, options.Value.UnknownTokensPerMinute);
        }
    }
}

/// <summary>
/// The budget of token guesses, under <c>Responses:*</c> (where respondents' limits are configured), owned by the
/// token directory that spends it.
/// </summary>
internal sealed class TokenGuessOptions
{
    public const string Section = "Responses";

    /// <summary>
    /// Well-formed tokens that no survey has, per minute from all clients together; default 600. Past it, token lookups
    /// answer 429 until the next minute and an alert is logged.
    /// </summary>
    [Range(1, 1_000_000)]
    public int UnknownTokensPerMinute { get; set; } = 600;
}
