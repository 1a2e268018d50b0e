using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Storage;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Waves;

/// <summary>The outcome of marking a person by token: done, or the ProblemDetails that says why not.</summary>
internal sealed record MarkResult(ProblemHttpResult? Problem);

/// <summary>Marks a person's invitation row (responded, opted out) by the token on their letter.</summary>
internal sealed class InvitationStore(WaveStore store, TokenDirectory tokens)
{
    /// <summary>
    /// 400 for a malformed token (with the hint), 404 for an unknown one, 410 when its wave is closed;
    /// otherwise sets <paramref name="flag"/> on the person's row (idempotent).
    /// </summary>
    public async Task<MarkResult> MarkAsync(string? typed, string flag, CancellationToken cancellationToken)
    {
        var parse = AccessToken.Parse(typed);
        if (!parse.Ok)
        {
            return new(TypedResults.Problem(title: "Token not valid", detail: parse.Message, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["field"] = "token" }));
        }

        if (await tokens.FindAsync(parse.Token, cancellationToken) is not { } entry
            || await store.GetAsync(entry.WaveId, cancellationToken) is not { } wave)
        {
            return new(TypedResults.Problem(title: "Unknown token", detail: "No survey has this token. Check it against your letter.", statusCode: StatusCodes.Status404NotFound));
        }

        if (wave.Phase != WavePhase.Fieldwork)
        {
            return new(TypedResults.Problem(title: "Survey closed", detail: "The survey this token belongs to has closed.", statusCode: StatusCodes.Status410Gone));
        }

        await store.Tables.MergeAsync(WaveStore.SampleTable(entry.Partition), new TableRow(entry.Partition, entry.RowKey, new Dictionary<string, object> { [flag] = true }), cancellationToken);
        return new(null);
    }
}
