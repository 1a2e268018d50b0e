using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using Pipeline.Functions.Http;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Tokens;
using static Pipeline.Functions.Pages.PageHtml;

namespace Pipeline.Functions.Pages;

/// <summary>
/// The respondent's pages, server-rendered and usable without script: the token entry at <c>/</c>, the
/// questionnaire at <c>/s/{token}</c> (the letter's QR code points there), page by page with a review, and a
/// thank-you page. Every post keeps the answers so far as a sealed draft, so going back, changing language or
/// coming back another day loses nothing.
/// </summary>
internal static class RespondentPages
{
    internal static IResult Start(HttpRequest request, string? lang) => TokenPage(Pick(lang, request), null, null, StatusCodes.Status200OK);

    internal static IResult Thanks(HttpRequest request, string? lang)
    {
        var text = FormText.For(Pick(lang, request));
        return Html(Pick(lang, request), text.ThanksHeading, $"<h1>{Encode(text.ThanksHeading)}</h1><p class=\"notice\">{Encode(text.ThanksText)}</p>", l => $"/thanks?lang={l}", StatusCodes.Status200OK);
    }

    internal static async Task<IResult> EnterTokenAsync(HttpRequest request, TokenDirectory tokens, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var form = await ReadFormAsync(request, options.Value.MaxBodyBytes, ct);
        var language = Pick(form?.GetValueOrDefault("lang"), request);
        if (form is null)
        {
            return TokenPage(language, null, FormText.For(language).TooLarge, StatusCodes.Status413PayloadTooLarge);
        }

        var typed = form.GetValueOrDefault("token").ToString();
        var access = await tokens.OpenAsync(typed, ct);
        return access.State == TokenState.Open
            ? Results.Redirect($"/s/{Uri.EscapeDataString(Compact(typed))}?lang={language}", preserveMethod: false)
            : Refused(access, typed, language);
    }

    internal static async Task<IResult> ShowAsync(HttpRequest request, string token, int? page, string? lang, TokenDirectory tokens, ResponseStore store, CancellationToken ct)
    {
        var access = await tokens.OpenAsync(token, ct);
        if (access.State != TokenState.Open)
        {
            return Refused(access, token, Pick(lang, request));
        }

        var form = Form.Open(access, store, lang);
        return form.Render(token, page ?? FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers), errors: [], notice: null, StatusCodes.Status200OK);
    }

    internal static async Task<IResult> PostAsync(HttpRequest request, string token, TokenDirectory tokens, ResponseStore store, ResponseIntake intake, TokenRateLimiter limiter, IOptions<ResponseOptions> options, CancellationToken ct)
    {
        var posted = await ReadFormAsync(request, options.Value.MaxBodyBytes, ct);
        var access = await tokens.OpenAsync(token, ct);
        if (access.State != TokenState.Open)
        {
            return Refused(access, token, Pick(posted?.GetValueOrDefault("lang"), request));
        }

        var form = Form.Open(access, store, posted?.GetValueOrDefault("lang"));
        var text = FormText.For(form.Language);
        if (posted is null)
        {
            return form.Render(token, FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers), [], text.TooLarge, StatusCodes.Status413PayloadTooLarge);
        }

        if (limiter.TryAcquire(access.Hash) is { } retry)
        {
            var seconds = RespondentLimits.SetRetryAfter(request.HttpContext, retry);
            return TokenPage(form.Language, token, string.Format(CultureInfo.InvariantCulture, text.TooMany, seconds), StatusCodes.Status429TooManyRequests);
        }

        var action = posted.GetValueOrDefault("action").ToString();
        if (action == "submit")
        {
            var result = await intake.SubmitAsync(access, new Submission(token, form.Language, null, form.Draft.Answers, ResponseRecord.Web) { DropUnasked = true, LimitPerToken = false }, ct);
            return result.Status switch
            {
                IntakeStatus.Stored => Results.Redirect($"/thanks?lang={form.Language}", preserveMethod: false),
                IntakeStatus.TokenRefused => Refused(result.Access!, token, form.Language),
                _ => form.RenderWithErrors(token, FormFlow.ResumePage(form.Questionnaire, form.Draft.Answers)),
            };
        }

        var pages = FormFlow.Pages(form.Questionnaire, form.Draft.Answers);
        if (!int.TryParse(posted.GetValueOrDefault("page"), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > pages.Count)
        {
            return Results.Redirect($"/s/{Uri.EscapeDataString(token)}?lang={form.Language}", preserveMethod: false);
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
                return Results.Redirect(form.PageLink(token, Math.Max(1, number - 1)), preserveMethod: false);
            case "save":
                return form.Render(token, number, [], text.Saved, StatusCodes.Status200OK);
            default:
                var page = FormFlow.Pages(form.Questionnaire, answers)[number - 1];
                var errors = FormFlow.Check(form.Questionnaire, page, answers);
                return errors.Count > 0
                    ? form.Render(token, number, errors, null, StatusCodes.Status400BadRequest)
                    : Results.Redirect(form.PageLink(token, number + 1), preserveMethod: false);
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
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(text.Start)).Append("</button></div></form>");
        return Html(language, text.TokenHeading, body.ToString(), l => $"/?lang={l}", status);
    }

    public static IResult Html(string language, string title, string body, Func<string, string?> languageLink, int status, string extraStyle = "") =>
        Results.Content(Layout(language, title, body, languageLink, extraStyle), "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>The language asked for, else the browser's first choice we speak, else Dutch.</summary>
    private static string Pick(string? asked, HttpRequest request)
    {
        if (asked is not null && FormText.Languages.Contains(asked))
        {
            return asked;
        }

        return request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && FormText.Languages.Contains(l)) ?? "nl";
    }

    private static string Compact(string typed) => new([.. typed.Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant)]);

    /// <summary>A url-encoded form body, read no further than <paramref name="max"/> bytes; null when larger.</summary>
    internal static async Task<Dictionary<string, StringValues>?> ReadFormAsync(HttpRequest request, int max, CancellationToken ct) =>
        await JsonBody.ReadCappedAsync(request, max, ct) is { } bytes ? QueryHelpers.ParseQuery(Encoding.UTF8.GetString(bytes)) : null;
}
