namespace Pipeline.Functions.Http;

/// <summary>
/// The words of the page shell, per language: the survey's name in the bar and the language menu in the languages'
/// own names. Every page (the form, the dashboard, the console) speaks one of <see cref="Languages"/>.
/// </summary>
internal sealed record ShellText(string LanguageName, string Survey, string Language)
{
    public static readonly IReadOnlyList<string> Languages = ["nl", "fr", "de", "en"];

    public static ShellText For(string language) => language switch
    {
        "fr" => new("Français", "Moniteur de sécurité", "Langue"),
        "de" => new("Deutsch", "Sicherheitsmonitor", "Sprache"),
        "en" => new("English", "Safety monitor", "Language"),
        _ => new("Nederlands", "Veiligheidsmonitor", "Taal"),
    };

    /// <summary>
    /// The language asked for, else the browser's first choice among <paramref name="offered"/>, else the first
    /// offered. <paramref name="offered"/> defaults to every language of the shell.
    /// </summary>
    public static string Pick(string? asked, HttpRequest request, IReadOnlyList<string>? offered = null)
    {
        offered ??= Languages;
        if (asked is not null && offered.Contains(asked))
        {
            return asked;
        }

        return request.GetTypedHeaders().AcceptLanguage
            .OrderByDescending(l => l.Quality ?? 1)
            .Select(l => l.Value.Value?.Split('-')[0].ToLowerInvariant())
            .FirstOrDefault(l => l is not null && offered.Contains(l)) ?? offered[0];
    }
}
