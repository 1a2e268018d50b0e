using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Pipeline.Functions.Http;

/// <summary>The frame of every respondent page: one small script at most, no external asset, one inline style sheet.</summary>
internal static class PageHtml
{
    /// <summary>
    /// The token page's only script. The letter's QR code opens the site with the token after <c>#</c>, which browsers
    /// never send: the script puts it in the token field, takes it out of the address bar and history, and posts the
    /// form. Without script the respondent types the token, as from the printed letter.
    /// </summary>
    public const string TokenScript =
        "(function(){var t=location.hash.slice(1);if(!t)return;history.replaceState(null,\"\",location.pathname+location.search);"
        + "var f=document.getElementById(\"token\");if(f&&f.form){try{f.value=decodeURIComponent(t);}catch(e){return;}f.form.submit();}})();";

    /// <summary>No script runs but <see cref="TokenScript"/> (by its hash), nothing is fetched from elsewhere, and forms post only here.</summary>
    public static readonly string ContentSecurityPolicy =
        $"default-src 'none'; script-src 'sha256-{Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(TokenScript)))}'; "
        + "style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private const string Style = """
        *{box-sizing:border-box}
        body{margin:0;font:1.0625rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#fff}
        header{background:#1d3a5f;color:#fff;padding:.75rem 1rem}
        header .bar{max-width:40rem;margin:0 auto;display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem}
        header a{color:#fff}
        nav.lang ul{display:flex;gap:.75rem;list-style:none;margin:0;padding:0}
        main{max-width:40rem;margin:0 auto;padding:1rem}
        h1{font-size:1.5rem;line-height:1.25}
        fieldset{border:0;margin:0 0 1.5rem;padding:0;min-width:0}
        legend,.q>label{display:block;font-weight:600;margin-bottom:.5rem;padding:0}
        label.opt{display:flex;align-items:center;gap:.6rem;min-height:44px;padding:.3rem .6rem;border:1px solid #b8b8b8;border-radius:6px;margin:.35rem 0;cursor:pointer}
        input[type=radio],input[type=checkbox]{width:1.35rem;height:1.35rem;flex:none;margin:0}
        input[type=text],textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #555;border-radius:6px}
        textarea{min-height:6rem}
        .q{margin:0 0 1.5rem}
        button{font:inherit;min-height:44px;padding:.6rem 1.2rem;border-radius:6px;border:2px solid #1d3a5f;background:#1d3a5f;color:#fff;cursor:pointer}
        button.secondary{background:#fff;color:#1d3a5f}
        :focus-visible{outline:3px solid #d4351c;outline-offset:2px}
        label.opt:focus-within{outline:3px solid #d4351c;outline-offset:1px}
        .error{color:#b00020;font-weight:600;margin:.25rem 0}
        .invalid input[type=text],.invalid textarea,.invalid label.opt{border-color:#b00020;border-width:2px}
        .summary{border:3px solid #b00020;padding:.75rem 1rem;margin-bottom:1.5rem}
        .summary a{color:#b00020}
        .notice{border-left:5px solid #1d3a5f;background:#eef3f8;padding:.75rem 1rem}
        .actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.5rem}
        .hint,.only-if{color:#505050;font-size:.95rem;margin:.25rem 0}
        progress{width:100%;height:.75rem}
        dt{font-weight:600;margin-top:1rem}
        dd{margin:0}
        """;

    /// <summary>Encodes markup characters only: accented letters stay letters, so pages stay small and readable.</summary>
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The headers of every page: the policy above, no caching (tokens, answers), no referrer, no sniffing.</summary>
    public static async ValueTask<object?> SecureHeaders(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XContentTypeOptions = "nosniff";
        return await next(context);
    }

    /// <summary>
    /// Text for inside a double-quoted CSS string: every character but ASCII letters, digits, '_' and '-' as a CSS hex
    /// escape, so nothing in it can end the string, the rule or the <c>&lt;style&gt;</c> element.
    /// </summary>
    public static string CssString(string text)
    {
        var css = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            if (rune.IsAscii && (char.IsAsciiLetterOrDigit((char)rune.Value) || rune.Value is '_' or '-'))
            {
                css.Append((char)rune.Value);
            }
            else
            {
                css.Append('\\').Append(rune.Value.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append(' ');
            }
        }

        return css.ToString();
    }

    public static string Encode(string? text) => Encoder.Encode(text ?? string.Empty);

    /// <summary>A whole page in the shell of <see cref="Layout"/>, as the answer with <paramref name="status"/>.</summary>
    public static IResult Html(string language, string title, string body, Func<string, string?> languageLink, int status, string extraStyle = "") =>
        Results.Content(Layout(language, title, body, languageLink, extraStyle), "text/html; charset=utf-8", Encoding.UTF8, status);

    /// <summary>A whole page. <paramref name="languageLink"/> gives the address of this page in another language, or null for none.</summary>
    public static string Layout(string language, string title, string body, Func<string, string?> languageLink, string extraStyle = "")
    {
        var text = ShellText.For(language);
        var html = new StringBuilder();
        html.Append("<!doctype html><html lang=\"").Append(Encode(language)).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<meta name=\"referrer\" content=\"no-referrer\">")
            .Append("<title>").Append(Encode(title)).Append(" – ").Append(Encode(text.Survey)).Append("</title>")
            .Append("<style>").Append(Style).Append(extraStyle).Append("</style></head><body>")
            .Append("<header><div class=\"bar\"><span>").Append(Encode(text.Survey)).Append("</span>")
            .Append("<nav class=\"lang\" aria-label=\"").Append(Encode(text.Language)).Append("\"><ul>");
        foreach (var other in ShellText.Languages)
        {
            if (other == language || languageLink(other) is not { } href)
            {
                continue;
            }

            html.Append("<li><a href=\"").Append(Encode(href)).Append("\" lang=\"").Append(other).Append("\" hreflang=\"").Append(other).Append("\">")
                .Append(Encode(ShellText.For(other).LanguageName)).Append("</a></li>");
        }

        html.Append("</ul></nav></div></header><main>").Append(body).Append("</main></body></html>");
        return html.ToString();
    }
}
