using System.Globalization;
using System.Text;
using Pipeline.Survey.Questionnaires;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Responses;

/// <summary>Questions as accessible form controls: a fieldset and legend per choice question, a label per field, errors next to them.</summary>
internal static class QuestionHtml
{
    public static string FieldId(string questionId) => "q-" + questionId;

    public static string ErrorId(string questionId) => "e-" + questionId;

    public static void Render(StringBuilder html, Questionnaire questionnaire, FormPage page, Question question, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, string? error, string language)
    {
        var text = FormText.For(language);
        var values = answers.TryGetValue(question.Id, out var v) ? v : [];
        var label = Encode(question.Text.In(language)) + (question.Required ? string.Empty : " <span class=\"hint\">" + Encode(text.Optional) + "</span>");
        var described = error is null ? string.Empty : $" aria-describedby=\"{ErrorId(question.Id)}\" aria-invalid=\"true\"";
        var css = "q" + (error is null ? string.Empty : " invalid") + (IsConditionalOnPage(page, question) ? " cond" : string.Empty);
        var name = Encode(FormFlow.FieldPrefix + question.Id);

        if (question.Type is QuestionType.Number or QuestionType.Text)
        {
            html.Append("<div class=\"").Append(css).Append("\" id=\"").Append(FieldId(question.Id)).Append("\">")
                .Append("<label for=\"").Append(FieldId(question.Id)).Append("-input\">").Append(label).Append("</label>");
            OnlyIf(html, questionnaire, page, question, language);
            Error(html, question.Id, error);
            var value = Encode(values.Count > 0 ? values[0] : null);
            if (question.Type == QuestionType.Number)
            {
                html.Append("<input type=\"text\" inputmode=\"numeric\" autocomplete=\"off\" size=\"5\" style=\"max-width:8rem\" id=\"").Append(FieldId(question.Id)).Append("-input\" name=\"").Append(name)
                    .Append("\" value=\"").Append(value).Append('"').Append(described).Append('>');
            }
            else
            {
                html.Append("<textarea id=\"").Append(FieldId(question.Id)).Append("-input\" name=\"").Append(name).Append("\" maxlength=\"")
                    .Append(question.MaxLength!.Value.ToString(CultureInfo.InvariantCulture)).Append('"').Append(described).Append('>').Append(value).Append("</textarea>");
            }

            html.Append("</div>");
            return;
        }

        var type = question.Type == QuestionType.Multiple ? "checkbox" : "radio";
        html.Append("<fieldset class=\"").Append(css).Append("\" id=\"").Append(FieldId(question.Id)).Append("\"><legend>").Append(label).Append("</legend>");
        OnlyIf(html, questionnaire, page, question, language);
        Error(html, question.Id, error);
        foreach (var option in questionnaire.OptionsOf(question))
        {
            var id = FieldId(question.Id) + "-" + Encode(option.Code);
            html.Append("<label class=\"opt\" for=\"").Append(id).Append("\"><input type=\"").Append(type).Append("\" id=\"").Append(id).Append("\" name=\"").Append(name)
                .Append("\" value=\"").Append(Encode(option.Code)).Append('"').Append(values.Contains(option.Code) ? " checked" : string.Empty).Append(described).Append('>')
                .Append("<span>").Append(Encode(option.Text.In(language))).Append("</span></label>");
        }

        html.Append("</fieldset>");
    }

    /// <summary>
    /// Style rules that hide a question whose skip logic depends on an answer on the same page until that answer
    /// applies: the form works without script, and without styles the question says when to answer it.
    /// </summary>
    public static string ConditionalStyle(FormPage page)
    {
        var css = new StringBuilder();
        foreach (var question in page.Questions.Where(q => IsConditionalOnPage(page, q)))
        {
            var shows = string.Join(",", question.AskIf!.In.Select(code => $"input[name=\"{FormFlow.FieldPrefix}{question.AskIf.Question}\"][value=\"{CssString(code)}\"]:checked"));
            css.Append("form:not(:has(").Append(shows).Append(")) #").Append(FieldId(question.Id)).Append("{display:none}");
        }

        return css.ToString();
    }

    /// <summary>The review: every answered or asked question of every page, with a link to change it.</summary>
    public static void Review(StringBuilder html, Questionnaire questionnaire, IReadOnlyList<FormPage> pages, IReadOnlyDictionary<string, IReadOnlyList<string>> answers, Func<int, string> pageLink, string language)
    {
        var text = FormText.For(language);
        foreach (var page in pages)
        {
            html.Append("<h2>").Append(Encode(page.Block.Title.In(language))).Append("</h2><dl>");
            foreach (var question in page.Questions.Where(q => AnswerValidator.IsAsked(questionnaire, q, answers)))
            {
                var shown = answers.TryGetValue(question.Id, out var values)
                    ? string.Join(", ", values.Select(value => questionnaire.OptionsOf(question).FirstOrDefault(o => o.Code == value)?.Text.In(language) ?? value))
                    : text.NotAnswered;
                html.Append("<dt>").Append(Encode(question.Text.In(language))).Append("</dt><dd>").Append(Encode(shown)).Append("</dd>");
            }

            html.Append("</dl><p><a href=\"").Append(Encode(pageLink(page.Number))).Append("\">")
                .Append(Encode(text.Change)).Append(": ").Append(Encode(page.Block.Title.In(language))).Append("</a></p>");
        }
    }

    private static bool IsConditionalOnPage(FormPage page, Question question) =>
        question.AskIf is { } c && page.Questions.Any(q => q.Id == c.Question);

    private static void OnlyIf(StringBuilder html, Questionnaire questionnaire, FormPage page, Question question, string language)
    {
        if (IsConditionalOnPage(page, question) && questionnaire.Find(question.AskIf!.Question) is { } source)
        {
            var answer = string.Join(" / ", questionnaire.OptionsOf(source).Where(o => question.AskIf.In.Contains(o.Code)).Select(o => o.Text.In(language)));
            html.Append("<p class=\"only-if\">").Append(Encode(string.Format(CultureInfo.InvariantCulture, FormText.For(language).OnlyIf, answer))).Append("</p>");
        }
    }

    private static void Error(StringBuilder html, string questionId, string? error)
    {
        if (error is not null)
        {
            html.Append("<p class=\"error\" id=\"").Append(ErrorId(questionId)).Append("\">").Append(Encode(error)).Append("</p>");
        }
    }
}
