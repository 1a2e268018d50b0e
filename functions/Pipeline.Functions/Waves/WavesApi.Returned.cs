using Pipeline.Functions.Http;

namespace Pipeline.Functions.Waves;

/// <summary>The tokens of letters that came back undeliverable, as scanned or typed by the mail room.</summary>
internal sealed record ReturnedLetters(IReadOnlyList<string?>? Tokens);

/// <summary>A line of a list that was not taken, and why (the line counts from 1).</summary>
internal sealed record LineRefusal(long Line, string Reason);

/// <summary>What a list of returned letters did.</summary>
internal sealed record ReturnedReport(int Returned, int AlreadyReturned, IReadOnlyList<LineRefusal> Refused);

internal static partial class WavesApi
{
    /// <summary>At most this many tokens a request (a day's post of a zone is a few hundred).</summary>
    public const int MaxReturnedPerRequest = 5000;

    /// <summary>
    /// <c>POST /api/waves/{id}/returned-letters</c> <c>{"tokens": [...]}</c>: each token's person gets no reminder and leaves the
    /// net sample, the response rate's denominator (AAPOR's eligible cases). 200 with what each line did; a token of a
    /// person who answered stays in the net sample.
    /// </summary>
    internal static async Task<IResult> ReturnLettersAsync(string id, HttpRequest request, WaveStore store, InvitationStore invitations, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ReturnedLetters>(request, ct, 256 * 1024);
        return problem ?? await ReturnLettersFromAsync(id, body!.Tokens, store, invitations, ct);
    }

    /// <summary>The same, for a list of tokens (the request's, or a console form's lines; blank ones are skipped).</summary>
    internal static async Task<IResult> ReturnLettersFromAsync(string id, IReadOnlyList<string?>? tokens, WaveStore store, InvitationStore invitations, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase == WavePhase.Draft || wave.Purged)
        {
            return TypedResults.Problem(
                title: wave.Purged ? "Wave purged" : "No letters sent",
                detail: wave.Purged ? $"Wave '{id}' was purged: its tokens are gone and its counts are fixed." : $"Wave '{id}' has not started: no letter can have come back.",
                statusCode: StatusCodes.Status409Conflict);
        }

        if (tokens is null || tokens.All(string.IsNullOrWhiteSpace) || tokens.Count > MaxReturnedPerRequest)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["tokens"] = [$"Give the tokens of the returned letters, 1 to {MaxReturnedPerRequest:N0} of them, one per line."] },
                title: "No tokens");
        }

        var (returned, already, refused) = (0, 0, new List<LineRefusal>());
        for (var line = 0; line < tokens.Count; line++)
        {
            if (string.IsNullOrWhiteSpace(tokens[line]))
            {
                continue;
            }

            var (outcome, access) = await invitations.ReturnAsync(id, tokens[line]!.Trim(), ct);
            switch (outcome)
            {
                case ReturnOutcome.Returned:
                    returned++;
                    break;
                case ReturnOutcome.AlreadyReturned:
                    already++;
                    break;
                case ReturnOutcome.Answered:
                    refused.Add(new(line + 1, "This person answered: a respondent stays in the net sample."));
                    break;
                default:
                    refused.Add(new(line + 1, access.State switch
                    {
                        TokenState.Malformed => "Not a token: " + access.Hint,
                        TokenState.Busy => "Too many unknown codes were tried this minute; send this line again.",
                        _ => "No letter of this wave has this token.",
                    }));
                    break;
            }
        }

        return TypedResults.Ok(new ReturnedReport(returned, already, refused));
    }
}
