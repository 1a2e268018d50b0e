using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Pipeline.Functions.Http;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Tokens;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Responses;

/// <summary>
/// The respondent's pages, server-rendered and usable without script: the token entry at <c>/</c> (the letter's QR
/// code opens it with the token after <c>#</c>), the questionnaire at <c>/form</c>, page by page with a review, and a
/// thank-you page. The token is posted once and then carried by the form's session cookie (<see cref="FormSessions"/>):
/// it is in no path or query. Every post keeps the answers so far as a sealed draft, so going back, changing language
/// or coming back another day loses nothing.
/// </summary>
internal static class RespondentPages
{
    internal static IResult Start(HttpRequest request, string? lang) => TokenPage(ShellText.Pick(lang, request), null, null, StatusCodes.Status200OK);

    internal static IResult Thanks(HttpRequest request, string? lang)
    {
        FormSessions.End(request.HttpContext);
        var text = FormText.For(ShellText.Pick(lang, request));
        return Html(ShellText.Pick(lang, request), text.ThanksHeading, $"<h1>{Encode(text.ThanksHeading)}</h1><p class=\"notice\">{Encode(text.ThanksText)}</p>", l => $"/thanks?lang={l}", StatusCodes.Status200OK);
    }

    internal static async Task<IResult> EnterTokenAsync(HttpRequest request, TokenDirectory tokens, FormSessions sessions, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var form = await ReadFormAsync(request, options.Value.MaxBodyBytes, ct);
        var language = ShellText.Pick(form?.GetValueOrDefault("lang"), request);
        if (form is null)
        {
            return TokenPage(language, null, FormText.For(language).TooLarge, StatusCodes.Status413PayloadTooLarge);
        }

        var typed = form.GetValueOrDefault("token").ToString();
        var access = await tokens.OpenAsync(typed, ct);
        if (access.State != TokenState.Open)
        {
            return Refused(access, typed, language);
        }

        sessions.Start(request.HttpContext, Compact(typed));
        return Results.Redirect($"{Form.Path}?lang={language}", preserveMethod: false);
    }

    internal static async Task<IResult> ShowAsync(HttpRequest request, int? page, string? lang, TokenDirectory tokens, FormSessions sessions, ResponseStore store, CancellationToken ct)
    {
        if (sessions.Read(request.HttpContext) is not { } token)
        {
            return NoSession(ShellText.Pick(lang, request));
        }

        var access = await tokens.OpenAsync(token, ct);
        if (access.State != TokenState.Open)
        {
            return Refused(access, token, ShellText.Pick(lang, request));
        }

        sessions.Start(request.HttpContext, token);
        var form = Form.Open(access, store, lang);
        return form.Render(page ?? FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers), errors: [], notice: null, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> PostAsync(HttpRequest request, TokenDirectory tokens, FormSessions sessions, ResponseStore store, ResponseIntake intake, TokenRateLimiter limiter, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var posted = await ReadFormAsync(request, options.Value.MaxBodyBytes, ct);
        if (sessions.Read(request.HttpContext) is not { } token)
        {
            return NoSession(ShellText.Pick(posted?.GetValueOrDefault("lang"), request));
        }

        sessions.Start(request.HttpContext, token);
        var access = await tokens.OpenAsync(token, ct);
        if (access.State != TokenState.Open)
        {
            return Refused(access, token, ShellText.Pick(posted?.GetValueOrDefault("lang"), request));
        }

        var form = Form.Open(access, store, posted?.GetValueOrDefault("lang"));
        var text = FormText.For(form.Language);
        if (posted is null)
        {
            return form.Render(FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers), [], text.TooLarge, StatusCodes.Status413PayloadTooLarge);
        }

        if (limiter.TryAcquire(access.Hash) is { } retry)
        {
            var seconds = TooManyRequests.SetRetryAfter(request.HttpContext, retry);
            return TokenPage(form.Language, null, string.Format(CultureInfo.InvariantCulture, text.TooMany, seconds), StatusCodes.Status429TooManyRequests);
        }

        var action = posted.GetValueOrDefault("action").ToString();
        if (action == "submit")
        {
            var result = await intake.SubmitAsync(access, new Submission(token, form.Language, null, form.Draft.Answers, ResponseRecord.Web) { DropUnasked = true, LimitPerToken = false }, ct);
            return result.Status switch
            {
                IntakeStatus.Stored => Results.Redirect($"/thanks?lang={form.Language}", preserveMethod: false),
                IntakeStatus.TokenRefused => Refused(result.Access!, token, form.Language),
                _ => form.RenderWithErrors(FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers)),
            };
        }

        var pages = FormFlow.Pages(form.Questionnaire, form.Draft.Answers);
        if (!int.TryParse(posted.GetValueOrDefault("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > pages.Count)
        {
            return Results.Redirect($"{Form.Path}?lang={form.Language}", preserveMethod: false);
        }

        var answers = FormFlow.Merge(form.Draft.Answers, pages[number - 1], posted);
        if (!await store.SaveDraftAsync(access, new Draft(form.Language, answers), ct))
        {
            return Refused(access with { State = TokenState.Used }, token, form.Language);
        }

        form = form with { Draft = new Draft(form.Language, answers) };
        switch (action)
        {
            case "back":
                return Results.Redirect(form.PageLink(Math.Max(1, number - 1)), preserveMethod: false);
            case "save":
                return form.Render(number, [], text.Saved, StatusCodes.Status200OK);
            default:
                var page = FormFlow.Pages(form.Questionnaire, answers)[number - 1];
                var errors = FormFlow.Check(form.Questionnaire, page, answers);
                return errors.Count > 0
                    ? form.Render(number, errors, null, StatusCodes.Status400BadRequest)
                    : Results.Redirect(form.PageLink(number + 1), preserveMethod: false);
        }
    }

    /// <summary>The page for a token that may not answer: the entry page, with what is wrong in the respondent's language.</summary>
    private static IResult Refused(TokenAccess access, string? typed, string language)
    {
        var text = FormText.For(language);
        return access.State switch
        {
            TokenState.Malformed => TokenPage(language, typed, AccessToken.Parse(typed).Problem switch
            {
                TokenProblem.WrongLength => text.TokenLength,
                TokenProblem.BadCharacter => text.TokenCharacter,
                _ => text.TokenTypo,
            }, StatusCodes.Status400BadRequest),
            TokenState.Busy => TokenPage(language, typed, string.Format(CultureInfo.InvariantCulture, text.TooMany, 60), StatusCodes.Status429TooManyRequests),
            TokenState.Closed => TokenPage(language, typed, text.Closed, StatusCodes.Status410Gone),
            TokenState.Used => TokenPage(language, typed, text.TokenUnknownOrUsed, StatusCodes.Status409Conflict),
            _ => TokenPage(language, typed, text.TokenUnknownOrUsed, StatusCodes.Status404NotFound),
        };
    }

    /// <summary>The token page for a form request without a (live) session: the token again, answers kept in the draft.</summary>
    private static IResult NoSession(string language) => TokenPage(language, null, FormText.For(language).SessionEnded, StatusCodes.Status401Unauthorized);

    private static IResult TokenPage(string language, string? typed, string? error, int status)
    {
        var text = FormText.For(language);
        var described = error is null ? "token-hint" : "token-hint token-error";
        var body = new StringBuilder()
            .Append("<h1>").Append(Encode(text.TokenHeading)).Append("</h1><p>").Append(Encode(text.TokenIntro)).Append("</p>")
            .Append("<form method=\"post\" action=\"/\" novalidate><input type=\"hidden\" name=\"lang\" value=\"").Append(language).Append("\">")
            .Append("<div class=\"q").Append(error is null ? string.Empty : " invalid").Append("\"><label for=\"token\">").Append(Encode(text.TokenLabel)).Append("</label>")
            .Append("<p class=\"hint\" id=\"token-hint\">").Append(Encode(text.TokenHint)).Append("</p>");
        if (error is not null)
        {
            body.Append("<p class=\"error\" id=\"token-error\" role=\"alert\">").Append(Encode(error)).Append("</p>");
        }

        body.Append("<input type=\"text\" id=\"token\" name=\"token\" autocomplete=\"off\" autocapitalize=\"characters\" spellcheck=\"false\" maxlength=\"40\" aria-describedby=\"").Append(described).Append('"')
            .Append(error is null ? string.Empty : " aria-invalid=\"true\" autofocus").Append(" value=\"").Append(Encode(typed)).Append("\"></div>")
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(text.Start)).Append("</button></div></form>")
            .Append("<script>").Append(TokenScript).Append("</script>");
        return Html(language, text.TokenHeading, body.ToString(), l => $"/?lang={l}", status);
    }


    private static string Compact(string typed) => new([.. typed.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);

    /// <summary>A url-encoded form body, read no further than <paramref name="max"/> bytes; null when larger.</summary>
    internal static async Task<Dictionary<string, StringValues>?> ReadFormAsync(HttpRequest request, int max, CancellationToken ct) =>
        await JsonBody.ReadCappedAsync(request, max, ct) is { } bytes ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes)) : null;
}
