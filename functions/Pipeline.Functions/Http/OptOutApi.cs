using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Http;

/// <summary>
/// <c>POST /api/optout</c>: a person who does not want to take part says so with the token from their letter, and
/// gets no reminder. Open to the public: the token is the credential.
/// </summary>
internal static class OptOutApi
{
    public static IEndpointRouteBuilder MapOptOutApi(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/api/optout", OptOutAsync).WithTags("Respondents");
        return routes;
    }

    private static async Task<IResult> OptOutAsync(HttpRequest request, InvitationStore invitations, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<OptOutRequest>(request, ct);
        if (problem is not null)
        {
            return problem;
        }

        var access = await invitations.MarkAsync(body!.Token, InvitationRows.OptedOut, ct);
        return TokenProblems.For(access, usedIsProblem: false) ?? (IResult)TypedResults.NoContent();
    }
}

internal sealed record OptOutRequest(string? Token);
