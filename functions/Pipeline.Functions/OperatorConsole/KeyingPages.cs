using System.Globalization;
using System.Text;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Security;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Paper;
using Pipeline.Survey.Questionnaires;
using static Pipeline.Functions.Http.PageHtml;
using static Pipeline.Functions.OperatorConsole.ConsolePages;

namespace Pipeline.Functions.OperatorConsole;

/// <summary>
/// The keying screen for paper forms (<c>/console/waves/{id}/keying/forms</c>), keyboard first: scan or type the form's code
/// (the check character catches a typo at once), then its answers in the order of the paper, by the codes printed next to
/// the boxes (a wrong code is marked as it is typed, and refused next to its field), skips applied. Double keying
/// (<see cref="PaperKeying"/>): a second person keys the form again; a third decides where two keyings differ. The page
/// shows the keyings per person, per hour and their disagreement rate, from the audit trail.
/// </summary>
internal static class KeyingPages
{
    private const string Step = "step";

    // GET /console/waves/{id}/keying/forms
    internal static async Task<IResult> StartAsync(string id, HttpRequest request, string? lang, string? keyer, WaveStore store, PaperKeying keying, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var language = Language(lang, request);
        return await store.GetAsync(id, ct) is { } wave
            ? await StartPageAsync(new(request, language, wave), KeyFilter.PersonOf(request.HttpContext) ?? keyer ?? string.Empty, null, null, null, StatusCodes.Status200OK, keying, audit, time, ct)
            : NotFound(request, language, id);
    }

    // POST /console/waves/{id}/keying/forms: step "token" opens a form, "answers" keys it, "decide" decides it.
    internal static async Task<IResult> KeyAsync(string id, HttpRequest request, WaveStore store, PaperKeying keying, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var language = Language(form["lang"].FirstOrDefault(), request);
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(request, language, id);
        }

        var page = new PageContext(request, language, wave);
        var words = KeyingText.For(language);
        // A user signed in by the platform keys under their own name; with a key, the keyer says who they are, but never
        // as a signed-in user (a typed name ending in "(Entra ID)" is refused).
        var person = KeyFilter.PersonOf(request.HttpContext);
        var keyer = person ?? form["keyer"].FirstOrDefault()?.Trim() ?? string.Empty;
        var token = form["token"].FirstOrDefault()?.Trim() ?? string.Empty;
        if (person is null && (keyer.Length is 0 or > 40 || keyer.Any(char.IsControl) || keyer.EndsWith(PlatformPrincipals.Suffix, StringComparison.OrdinalIgnoreCase)))
        {
            return await StartPageAsync(page, keyer, (Field: "keyer", Message: words.KeyerMissing), token, null, StatusCodes.Status400BadRequest, keying, audit, time, ct);
        }

        var opened = await keying.OpenAsync(id, token, ct);
        if (PaperKeying.Refusal(opened) is { } refused)
        {
            return await StartPageAsync(page, keyer, (Field: "token", Message: refused.Reason!), token, null, StatusOf(opened.Access.State), keying, audit, time, ct);
        }

        var step = form[Step].FirstOrDefault();
        var typed = opened.Questionnaire!.Questions.ToDictionary(q => q.Id, q => form["a." + q.Id].FirstOrDefault() ?? string.Empty, StringComparer.Ordinal);
        var deciding = opened.Second is not null;
        if (step is not ("answers" or "decide"))
        {
            return FormPage(page, keyer, token, opened, deciding ? Prefilled(opened) : new Dictionary<string, string>(), new Dictionary<string, string>(), StatusCodes.Status200OK);
        }

        var result = deciding
            ? await keying.DecideAsync(id, opened, keyer, typed, ct)
            : await keying.KeyAsync(id, opened, keyer, typed, ct);
        var notice = result.Outcome switch
        {
            KeyingOutcome.First => words.FirstSaved,
            KeyingOutcome.Agreed => words.Agreed,
            KeyingOutcome.Disagreed => words.Disagreed,
            KeyingOutcome.Decided => words.Decided,
            _ => null,
        };
        return result.Outcome switch
        {
            KeyingOutcome.Invalid => FormPage(page, keyer, token, opened, typed, result.Errors, StatusCodes.Status400BadRequest),
            KeyingOutcome.Refused => await StartPageAsync(page, keyer, (Field: "token", Message: result.Reason!), token, null, StatusCodes.Status409Conflict, keying, audit, time, ct),
            _ => await StartPageAsync(page, keyer, null, string.Empty, string.Format(CultureInfo.InvariantCulture, notice!, opened.Number), StatusCodes.Status200OK, keying, audit, time, ct),
        };
    }

    private sealed record PageContext(HttpRequest Request, string Language, WaveRecord Wave)
    {
        public string Path => $"/console/waves/{Uri.EscapeDataString(Wave.Definition.Id)}/keying/forms";
    }

    private static int StatusOf(TokenState state) => state switch
    {
        TokenState.Malformed => StatusCodes.Status400BadRequest,
        TokenState.Busy => StatusCodes.Status429TooManyRequests,
        TokenState.Used => StatusCodes.Status409Conflict,
        TokenState.Closed => StatusCodes.Status410Gone,
        _ => StatusCodes.Status404NotFound,
    };

    /// <summary>The start: who keys, the form's code, the keyers' figures and the forms that wait for a decision.</summary>
    private static async Task<IResult> StartPageAsync(PageContext page, string keyer, (string Field, string Message)? error, string? token, string? notice, int status, PaperKeying keying, AuditTrail audit, TimeProvider time, CancellationToken ct)
    {
        var text = ConsoleText.For(page.Language);
        var words = KeyingText.For(page.Language);
        var id = page.Wave.Definition.Id;
        var html = new StringBuilder("<h1>").Append(Encode(text.Keying)).Append("</h1>").Append(Nav(text, page.Language, page.Request))
            .Append("<p><a href=\"").Append(Encode(WavePath(id, page.Language))).Append("\">").Append(Encode(page.Wave.Definition.Title)).Append("</a></p>");
        if (notice is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(Encode(notice)).Append("</p>");
        }

        html.Append("<form method=\"post\" action=\"").Append(Encode(page.Path)).Append("\">").Append(Hidden(page.Request, page.Language))
            .Append("<input type=\"hidden\" name=\"").Append(Step).Append("\" value=\"token\">")
            .Append(KeyFilter.PersonOf(page.Request.HttpContext) is { } person
                ? $"<p>{Encode(words.Keyer)}: <strong>{Encode(person)}</strong></p>"
                : Field("keyer", words.Keyer, "text", keyer, error?.Field == "keyer" ? error.Value.Message : null, hint: words.KeyerHint, alert: true, required: true, focus: keyer.Length == 0 && error is null))
            .Append(Field("token", words.Token, "text", error is null ? string.Empty : token ?? string.Empty, error?.Field == "token" ? error.Value.Message : null, hint: words.TokenHint, alert: true, required: true, focus: keyer.Length > 0 && error is null))
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(words.Open)).Append("</button></div></form>");

        html.Append(Figures(words, await audit.OfWaveAsync(id, ct, PaperKeying.AuditAction).ToListAsync(ct), time.GetUtcNow()));
        var waiting = await keying.DisagreementsAsync(id, ct);
        html.Append("<h2>").Append(Encode(words.Waiting)).Append("</h2>");
        if (waiting.Count == 0)
        {
            html.Append("<p>").Append(Encode(words.NoneWaiting)).Append("</p>");
        }
        else
        {
            html.Append("<p>").Append(Encode(words.WaitingHint)).Append("</p>").Append(Table(words.Waiting)).Append("<thead><tr>").Append(Th(words.Since)).Append(Th(words.First)).Append(Th(words.Second)).Append("</tr></thead><tbody>");
            foreach (var (at, first, second) in waiting)
            {
                html.Append("<tr><td>").Append(at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(first)).Append("</td><td>").Append(Encode(second)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        return Page(page.Language, text.Keying, html, l => $"{page.Path}?lang={l}", status);
    }

    /// <summary>Per keyer: keyings (first and second), in the last hour, per hour from their first to their last, and how many differed.</summary>
    private static string Figures(KeyingText words, List<AuditEntry> entries, DateTimeOffset now)
    {
        var keyings = entries.Where(e => e.Result is "first" or "agreed" or "disagreed").ToList();
        if (keyings.Count == 0)
        {
            return string.Empty;
        }

        // A disagreement is both keyers': the second keyer's entry names the first ("... with A").
        var disagreements = entries.Where(e => e.Result == "disagreed")
            .SelectMany(e => new[] { e.Who, e.Detail?.Split(" with ", 2) is [_, var other] ? other : null }.OfType<string>())
            .CountBy(k => k, StringComparer.OrdinalIgnoreCase).ToDictionary(StringComparer.OrdinalIgnoreCase);
        var html = new StringBuilder(Table(words.People)).Append("<thead><tr>").Append(Th(words.KeyerColumn)).Append(Th(words.Keyings, numeric: true)).Append(Th(words.LastHour, numeric: true))
            .Append(Th(words.PerHour, numeric: true)).Append(Th(words.Disagreements, numeric: true)).Append(Th(words.DisagreementRate, numeric: true)).Append("</tr></thead><tbody>");
        foreach (var keyer in keyings.GroupBy(e => e.Who, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
        {
            var count = keyer.Count();
            var hours = Math.Max((keyer.Max(e => e.At) - keyer.Min(e => e.At)).TotalHours, 1.0 / 60);
            var differed = disagreements.GetValueOrDefault(keyer.Key);
            html.Append("<tr><th scope=\"row\">").Append(Encode(keyer.Key)).Append("</th>").Append(Td(count)).Append(Td(keyer.Count(e => e.At > now.AddHours(-1))))
                .Append(Td(count == 1 ? "–" : (count / hours).ToString("0", CultureInfo.InvariantCulture))).Append(Td(differed))
                .Append(Td((100.0 * differed / count).ToString("0.0", CultureInfo.InvariantCulture) + " %")).Append("</tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>A form's answers, one field per question in the paper's order, with its number and printed codes.</summary>
    private static IResult FormPage(PageContext page, string keyer, string token, KeyedForm opened, Dictionary<string, string> values, IReadOnlyDictionary<string, string> errors, int status)
    {
        var text = ConsoleText.For(page.Language);
        var words = KeyingText.For(page.Language);
        var questionnaire = opened.Questionnaire!;
        var deciding = opened.Second is not null;
        var title = string.Format(CultureInfo.InvariantCulture, words.Form, opened.Number);
        var html = new StringBuilder("<h1>").Append(Encode(title)).Append("</h1>").Append(Nav(text, page.Language, page.Request))
            .Append("<p id=\"mode\">").Append(Encode(deciding ? words.Deciding + " " + words.DecideHint : opened.First is null ? words.FirstKeying : words.SecondKeying)).Append("</p>");
        var numbers = questionnaire.Questions.Select((q, i) => (q.Id, Number: i + 1)).ToDictionary(p => p.Id, p => p.Number, StringComparer.Ordinal);
        if (errors.Count > 0)
        {
            html.Append("<div class=\"summary\" role=\"alert\"><h2>").Append(Encode(text.ErrorSummary)).Append("</h2><ul>");
            foreach (var question in questionnaire.Questions.Where(q => errors.ContainsKey(q.Id)))
            {
                html.Append("<li><a href=\"#a-").Append(Encode(question.Id)).Append("\">").Append(numbers[question.Id]).Append(". ").Append(Encode(errors[question.Id])).Append("</a></li>");
            }

            html.Append("</ul></div>");
        }

        html.Append("<form method=\"post\" action=\"").Append(Encode(page.Path)).Append("\" class=\"keying\">").Append(Hidden(page.Request, page.Language))
            .Append("<input type=\"hidden\" name=\"").Append(Step).Append("\" value=\"").Append(deciding ? "decide" : "answers").Append("\">")
            .Append("<input type=\"hidden\" name=\"keyer\" value=\"").Append(Encode(keyer)).Append("\">")
            .Append("<input type=\"hidden\" name=\"token\" value=\"").Append(Encode(token)).Append("\">");
        // The first field to type: the first refused one, else (deciding) the first the keyings differ on, else the first.
        var focus = (questionnaire.Questions.FirstOrDefault(q => errors.ContainsKey(q.Id))
            ?? (deciding ? questionnaire.Questions.FirstOrDefault(q => !values.ContainsKey(q.Id)) : null)
            ?? questionnaire.Questions.First()).Id;
        foreach (var question in questionnaire.Questions)
        {
            var hint = new StringBuilder(Hint(questionnaire, question, words, numbers, page.Language));
            if (deciding)
            {
                string Shown(Keying k) => Printed(questionnaire, question, k.Answers) is { Length: > 0 } v ? v : "–";
                var (first, second) = (Shown(opened.First!), Shown(opened.Second!));
                if (first != second)
                {
                    hint.Append(" · ").Append(words.First).Append(" (").Append(opened.First!.Keyer).Append("): ").Append(first)
                        .Append(" · ").Append(words.Second).Append(" (").Append(opened.Second!.Keyer).Append("): ").Append(second);
                }
            }

            html.Append(Field("a." + question.Id, $"{numbers[question.Id]}. {question.Text.In(page.Language)}", "text", values.GetValueOrDefault(question.Id) ?? string.Empty,
                errors.GetValueOrDefault(question.Id), hint: hint.ToString(), context: "mode", focus: question.Id == focus, pattern: Pattern(questionnaire, question), maxLength: question.MaxLength));
        }

        html.Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(deciding ? words.Decide : words.Save)).Append("</button> <a href=\"")
            .Append(Encode($"{page.Path}?lang={page.Language}&keyer={Uri.EscapeDataString(keyer)}")).Append("\">").Append(Encode(text.Back)).Append("</a></div></form>");
        return Page(page.Language, title, html, l => $"{page.Path}?lang={l}", status);
    }

    /// <summary>Where two keyings agree, the agreed answer; where they differ, nothing: the decider types it from the paper.</summary>
    private static Dictionary<string, string> Prefilled(KeyedForm opened) =>
        opened.Questionnaire!.Questions
            .Select(q => (q.Id, First: Printed(opened.Questionnaire, q, opened.First!.Answers), Second: Printed(opened.Questionnaire, q, opened.Second!.Answers)))
            .Where(p => p.First == p.Second)
            .ToDictionary(p => p.Id, p => p.First, StringComparer.Ordinal);

    private static string Printed(Questionnaire questionnaire, Question question, IReadOnlyDictionary<string, IReadOnlyList<string>> answers) =>
        answers.TryGetValue(question.Id, out var codes) ? PaperCodes.Typed(questionnaire, question, codes) : string.Empty;

    /// <summary>The codes as printed on the paper, "several codes", and the paper's skip instruction.</summary>
    private static string Hint(Questionnaire questionnaire, Question question, KeyingText words, Dictionary<string, int> numbers, string language)
    {
        var hint = question.Type switch
        {
            QuestionType.Number => $"{question.Min ?? 0}–{question.Max ?? 999}",
            QuestionType.Text => string.Empty,
            _ => string.Format(CultureInfo.InvariantCulture, words.Codes, string.Join(" · ", PaperCodes.Of(questionnaire, question).Select(p => $"{p.Printed} {p.Option.Text.In(language)}")))
                + (question.Type == QuestionType.Multiple ? " (" + words.Several + ")" : string.Empty),
        };
        if (question.AskIf is { } condition && questionnaire.Find(condition.Question) is { } asked)
        {
            hint += " " + string.Format(CultureInfo.InvariantCulture, words.OnlyIf, numbers[asked.Id], string.Join(" / ", condition.In.Select(c => PaperCodes.Printed(questionnaire, asked, c))));
        }

        return hint.Trim();
    }

    /// <summary>
    /// The field's HTML pattern (whole value, blank allowed): one of the printed codes, several separated by spaces, or a
    /// number of as many digits as its maximum; so a wrong code is marked as it is typed. The server checks again.
    /// </summary>
    private static string? Pattern(Questionnaire questionnaire, Question question)
    {
        var codes = "(?:" + string.Join('|', PaperCodes.Of(questionnaire, question).Select(p => p.Printed)) + ")";
        return question.Type switch
        {
            QuestionType.Number => $"[0-9]{{0,{Math.Max(1, (question.Max ?? 999).ToString(CultureInfo.InvariantCulture).Length)}}}",
            QuestionType.Text => null,
            QuestionType.Multiple => $"\\s*(?:{codes}(?:[\\s,;]+{codes})*)?\\s*",
            _ => $"\\s*{codes}?\\s*",
        };
    }
}
