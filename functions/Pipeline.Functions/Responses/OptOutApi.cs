using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

/// <summary>
/// <c>POST /api/optout</c>: a person who does not want to take part says so with the token from their letter, and
/// gets no reminder. Open to the public: the token is the credential. It answers 204 for every well-formed token,
/// known or not, open or closed, so it tells nobody which tokens exist; it has the respondents' rate limit and body cap.
/// </summary>
internal static class OptOutApi
{
    internal static async Task<IResult> OptOutAsync(HttpRequest request, InvitationStore invitations, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<OptOutRequest>(request, ct, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var access = await invitations.MarkAsync(body!.Token, InvitationRows.OptedOut, ct);
        return access.State is TokenState.Malformed or TokenState.Busy ? TokenProblems.For(access)! : TypedResults.NoContent();
    }
}

internal sealed record OptOutRequest(string? Token);
