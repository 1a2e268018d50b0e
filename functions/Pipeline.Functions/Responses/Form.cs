using System.Globalization;
using System.Text;
using Pipeline.Functions.Http;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Questionnaires;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Responses;

/// <summary>One respondent's form: the zone's questionnaire, the draft so far and the language, and its pages as HTML.</summary>
internal sealed record Form(Questionnaire Questionnaire, Draft Draft, string Language, string Title, IReadOnlyList<string> Languages)
{
    /// <summary>The form for an open token; the language asked for when the wave has it, else the draft's (at first, the letter's).</summary>
    public static Form Open(TokenAccess access, ResponseStore store, string? asked)
    {
        var wave = access.Wave!.Definition;
        var draft = store.ReadDraft(access) ?? new Draft(access.Entry!.Language, []);
        var language = asked is not null && wave.Languages.Contains(asked) ? asked : draft.Language;
        return new(wave.QuestionnaireFor(access.Entry!.Zone)!, draft, language, wave.Title, wave.Languages);
    }

    /// <summary>Where the form is: the session cookie says whose, so the address carries no token.</summary>
    public const string Path = "/form";

    public string PageLink(int page) => PageLink(page, Language);

    private static string PageLink(int page, string language) =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}?page={page}&lang={language}");

    /// <summary>Page <paramref name="number"/> with its errors from the draft: after a refused submit.</summary>
    public IResult RenderWithErrors(int number)
    {
        var pages = FormFlow.Pages(Questionnaire, Draft.Answers);
        var errors = number <= pages.Count ? FormFlow.Check(Questionnaire, pages[number - 1], Draft.Answers) : [];
        return Render(number, errors, null, StatusCodes.Status400BadRequest);
    }

    /// <summary>Page <paramref name="number"/> (1-based); one past the last is the review.</summary>
    public IResult Render(int number, IReadOnlyList<AnswerError> errors, string? notice, int status)
    {
        var text = FormText.For(Language);
        var pages = FormFlow.Pages(Questionnaire, Draft.Answers);
        number = Math.Clamp(number, 1, pages.Count + 1);
        var html = new StringBuilder();
        html.Append("<p class=\"hint\">").Append(Encode(Title)).Append("</p>");
        var progress = string.Format(CultureInfo.InvariantCulture, text.PageOf, number, pages.Count + 1);
        html.Append("<p id=\"progress\">").Append(Encode(progress)).Append("</p>")
            .Append(CultureInfo.InvariantCulture, $"<progress value=\"{number}\" max=\"{pages.Count + 1}\" aria-labelledby=\"progress\"></progress>");
        if (notice is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(Encode(notice)).Append("</p>");
        }

        const string action = Path;
        string heading;
        var style = string.Empty;
        if (number > pages.Count)
        {
            heading = text.ReviewHeading;
            html.Append("<h1>").Append(Encode(heading)).Append("</h1><p>").Append(Encode(text.ReviewIntro)).Append("</p>");
            QuestionHtml.Review(html, Questionnaire, pages, Draft.Answers, n => PageLink(n), Language);
            html.Append("<form method=\"post\" action=\"").Append(action).Append("\"><input type=\"hidden\" name=\"lang\" value=\"").Append(Language).Append("\">")
                .Append("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"submit\">").Append(Encode(text.Submit)).Append("</button>")
                .Append("<a href=\"").Append(Encode(PageLink(pages.Count))).Append("\">").Append(Encode(text.Back)).Append("</a></div></form>");
        }
        else
        {
            var page = pages[number - 1];
            heading = page.Block.Title.In(Language);
            style = QuestionHtml.ConditionalStyle(page);
            html.Append("<h1>").Append(Encode(heading)).Append("</h1>");
            if (errors.Count > 0)
            {
                html.Append("<div class=\"summary\" role=\"alert\"><h2>").Append(Encode(text.ErrorSummary)).Append("</h2><ul>");
                foreach (var error in errors)
                {
                    var question = Questionnaire.Find(error.QuestionId)!;
                    html.Append("<li><a href=\"#").Append(QuestionHtml.FieldId(error.QuestionId)).Append("\">").Append(Encode(question.Text.In(Language))).Append(": ")
                        .Append(Encode(FormFlow.Describe(error, question, text))).Append("</a></li>");
                }

                html.Append("</ul></div>");
            }

            if (page.Block.Intro is { } intro)
            {
                html.Append("<p>").Append(Encode(intro.In(Language))).Append("</p>");
            }

            html.Append("<form method=\"post\" action=\"").Append(action).Append("\" novalidate>")
                .Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"page\" value=\"{number}\"><input type=\"hidden\" name=\"lang\" value=\"{Language}\">");
            foreach (var question in page.Questions)
            {
                var error = errors.FirstOrDefault(e => e.QuestionId == question.Id);
                QuestionHtml.Render(html, Questionnaire, page, question, Draft.Answers, error is null ? null : FormFlow.Describe(error, question, text), Language);
            }

            html.Append("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"next\">").Append(Encode(text.Next)).Append("</button>");
            if (number > 1)
            {
                html.Append("<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"back\">").Append(Encode(text.Back)).Append("</button>");
            }

            html.Append("<button type=\"submit\" class=\"secondary\" name=\"action\" value=\"save\">").Append(Encode(text.Save)).Append("</button></div></form>");
        }

        return PageHtml.Html(Language, heading, html.ToString(), l => Languages.Contains(l) ? PageLink(number, l) : null, status, style);
    }
}
