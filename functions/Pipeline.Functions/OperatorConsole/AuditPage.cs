using Microsoft.Extensions.Options;
using System.Globalization;
using System.Text;
using Pipeline.Functions.Security;
using Pipeline.Functions.Waves;
using Pipeline.Survey;
using static Pipeline.Functions.Http.PageHtml;
using static Pipeline.Functions.OperatorConsole.ConsolePages;

namespace Pipeline.Functions.OperatorConsole;

/// <summary>
/// <c>GET /console/waves/{id}/audit/log</c>: a wave's audit trail, newest first, filtered by who and by action (a part of
/// either, any case), and the same as CSV (<c>format=csv</c>) for a privacy officer; and the entries of no wave.
/// </summary>
internal static class AuditPage
{
    private static readonly string[] Columns = ["at", "who", "action", "wave", "result", "detail"];

    /// <summary>The most entries a page shows (the newest); the CSV holds them all.</summary>
    internal const int MaxShown = 1000;

    internal static async Task<IResult> ShowAsync(string id, HttpRequest request, string? lang, string? who, string? what, string? format, WaveStore store, AuditTrail audit, CancellationToken ct)
    {
        var language = Language(lang, request);
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(request, language, id);
        }

        var text = ConsoleText.For(language);
        var back = $"<p><a href=\"{Encode(WavePath(id, language))}\">{Encode(wave.Definition.Title)}</a></p>";
        return await ShowAsync(request, audit.OfWaveAsync(id, ct), new(language, text.AuditTrail, back + $"<p>{Encode(text.AuditHint)}</p>", $"/console/waves/{Uri.EscapeDataString(id)}/audit/log", $"{id}-audit.csv"), who, what, format, ct);
    }

    /// <summary>
    /// <c>GET /console/audit/log</c>: the entries of no wave: sign-ins and refused sign-ins, roles given and changed, requests
    /// with a made-up wave id; for operators of every wave only.
    /// </summary>
    internal static async Task<IResult> AccessAsync(HttpRequest request, string? lang, string? who, string? what, string? format, AuditTrail audit, KeyRing keys, PlatformPrincipals principals, IOptions<AccessOptions> access, CancellationToken ct)
    {
        var language = Language(lang, request);
        var text = ConsoleText.For(language);
        return await ShowAsync(request, audit.OfWaveAsync("-", ct), new(language, text.SignIns, Configured(text, keys, principals, access.Value) + $"<h2>{Encode(text.AuditTrail)}</h2><p>{Encode(text.SignInsHint)}</p>", "/console/audit/log", "access-audit.csv"), who, what, format, ct);
    }

    /// <summary>
    /// Who has access as the app is configured now, for a privacy officer: every key (its name, role and what it sees; never
    /// the key or its hash), whether Entra ID sign-in is on, and the groups that scope its limited roles.
    /// </summary>
    private static string Configured(ConsoleText text, KeyRing keys, PlatformPrincipals principals, AccessOptions access)
    {
        var html = new StringBuilder("<h2>").Append(Encode(text.AccessNow)).Append("</h2>")
            .Append(Table(text.AccessKeys)).Append("<thead><tr>").Append(Th(text.Name)).Append(Th(text.RoleColumn)).Append(Th(text.Sees)).Append("</tr></thead><tbody>");
        foreach (var key in keys.Configured().OrderByDescending(k => k.Role).ThenBy(k => k.Name, StringComparer.OrdinalIgnoreCase))
        {
            html.Append("<tr><td>").Append(Encode(key.Name)).Append("</td><td>").Append(key.Role).Append("</td><td>").Append(Encode(key.Scope.Describe())).Append("</td></tr>");
        }

        html.Append("</tbody></table></div><p>").Append(Encode(principals.Trusted ? text.EntraOn : text.EntraOff)).Append("</p>");
        if (access.Groups.Count > 0)
        {
            html.Append(Table(text.EntraGroups)).Append("<thead><tr>").Append(Th(text.GroupColumn)).Append(Th(text.Sees)).Append("</tr></thead><tbody>");
            foreach (var group in access.Groups)
            {
                var sees = new AccessScope(group.Zones.ToHashSet(), group.Municipalities.ToHashSet(), group.Waves.ToHashSet()).Describe();
                html.Append("<tr><td>").Append(Encode(group.Id)).Append("</td><td>").Append(Encode(sees)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        return html.ToString();
    }

    /// <summary>A page of the audit trail: its language, title, introduction (HTML), path and CSV file name.</summary>
    private sealed record AuditView(string Language, string Title, string Introduction, string Path, string CsvName);

    private static async Task<IResult> ShowAsync(HttpRequest request, IAsyncEnumerable<AuditEntry> trail, AuditView view, string? who, string? what, string? format, CancellationToken ct)
    {
        bool Matches(string value, string? part) => part is not { Length: > 0 } || value.Contains(part.Trim(), StringComparison.OrdinalIgnoreCase);
        var entries = await trail.Where(e => Matches(e.Who, who) && Matches(e.Action, what)).ToListAsync(ct);
        if (format == "csv")
        {
            return TypedResults.File(Csv(entries), "text/csv; charset=utf-8", view.CsvName);
        }

        var (language, path) = (view.Language, view.Path);
        var text = ConsoleText.For(language);
        var shown = entries.Count > MaxShown ? entries[..MaxShown] : entries;
        var html = new StringBuilder("<h1>").Append(Encode(view.Title)).Append("</h1>").Append(Nav(text, language, request))
            .Append(view.Introduction)
            .Append("<form method=\"get\" action=\"").Append(Encode(path)).Append("\"><input type=\"hidden\" name=\"lang\" value=\"").Append(language).Append("\">")
            .Append(Field("who", text.Who, "text", who ?? string.Empty, null))
            .Append(Field("what", text.What, "text", what ?? string.Empty, null))
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(text.Filter)).Append("</button> <a href=\"")
            .Append(Encode($"{path}?format=csv&who={Uri.EscapeDataString(who ?? string.Empty)}&what={Uri.EscapeDataString(what ?? string.Empty)}")).Append("\" download>CSV</a></div></form>")
            .Append(Table(view.Title)).Append("<thead><tr>").Append(Th(text.When)).Append(Th(text.Who)).Append(Th(text.What)).Append(Th(text.Result)).Append(Th(text.Detail)).Append("</tr></thead><tbody>");
        foreach (var entry in shown)
        {
            html.Append("<tr><td>").Append(entry.At.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(entry.Who)).Append("</td><td>")
                .Append(Encode(entry.Action)).Append("</td><td>").Append(Encode(entry.Result)).Append("</td><td>").Append(Encode(entry.Detail ?? string.Empty)).Append("</td></tr>");
        }

        html.Append("</tbody></table></div>");
        if (shown.Count < entries.Count)
        {
            html.Append("<p>").Append(Encode(string.Format(CultureInfo.InvariantCulture, text.NewestShown, MaxShown.ToString("N0", CultureInfo.InvariantCulture), entries.Count.ToString("N0", CultureInfo.InvariantCulture)))).Append("</p>");
        }

        return Page(language, view.Title, html, l => $"{path}?lang={l}", StatusCodes.Status200OK);
    }

    private static byte[] Csv(List<AuditEntry> entries) =>
        CsvFiles.Write(Columns, entries.Select(e => new[] { e.At.ToString("O", CultureInfo.InvariantCulture), e.Who, e.Action, e.Wave ?? string.Empty, e.Result, e.Detail ?? string.Empty }));
}
