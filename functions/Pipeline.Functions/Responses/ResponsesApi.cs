using System.Text.Json;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;
using Pipeline.Survey;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Functions.Responses;

/// <summary>
/// <c>POST /api/responses</c>: one completed questionnaire, with the token from the letter. Open to the public
/// (the token is the credential), rate-limited per client address and per token.
/// </summary>
internal static class ResponsesApi
{
    internal static async Task<IResult> SubmitAsync(HttpRequest request, ResponseIntake intake, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var (body, problem) = await JsonBody.ReadAsync<ResponseBody>(request, ct, options.Value.MaxBodyBytes);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new FieldErrors();
        var answers = body!.Answers.ValueKind == JsonValueKind.Undefined
            ? []
            : AnswerJson.Read(body.Answers, errors);
        if (body.Answers.ValueKind == JsonValueKind.Undefined)
        {
            errors.Add("answers", "Give the answers as an object: { \"questionId\": answer, ... }.");
        }

        var result = await intake.SubmitAsync(new Submission(body.Token, body.Language, body.QuestionnaireVersion, answers, ResponseRecord.Web) { ReadErrors = errors }, ct);
        return ToResult(result, request.HttpContext);
    }

    /// <summary>201 for a stored response; otherwise the ProblemDetails that says why not.</summary>
    public static IResult ToResult(IntakeResult result, HttpContext context) => result.Status switch
    {
        IntakeStatus.Stored => TypedResults.Created((string?)null, new ResponseReceipt("stored", result.Access!.Wave!.Definition.QuestionnaireVersion)),
        IntakeStatus.TokenRefused => TokenProblems.For(result.Access!)!,
        IntakeStatus.RateLimited => TooManyRequests.Answer(context, result.RetryAfter, "this token"),
        _ => TypedResults.ValidationProblem(result.Errors, title: "Answers not valid", detail: "Each listed field says what is wrong with it."),
    };
}

internal sealed record ResponseBody(string? Token, string? Language, string? QuestionnaireVersion, JsonElement Answers);

internal sealed record ResponseReceipt(string Status, string QuestionnaireVersion);
