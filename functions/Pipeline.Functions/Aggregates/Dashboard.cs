using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Functions.Http;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Statistics;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.Aggregates;

/// <summary>
/// The analysts' dashboard, behind an analyst's or operator's key (a browser signs in once at <c>/signin</c> and gets a
/// session cookie; links never carry a key): the wave overview at
/// <c>/dashboard/{wave}</c> and a zone at <c>/dashboard/{wave}/zones/{zone}</c>. Server-rendered HTML and inline
/// SVG, no script, no external asset. Suppressed figures are never in the page: they show "too few answers".
/// </summary>
internal static class Dashboard
{
    private const string Style = """
        main{max-width:60rem}
        table{border-collapse:collapse;width:100%;margin:1rem 0}
        th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #ddd;vertical-align:middle}
        td.num{text-align:right;font-variant-numeric:tabular-nums}
        svg .bar{fill:#1d3a5f}
        svg .whisker{stroke:#d4351c;stroke-width:2}
        svg .line{fill:none;stroke:#1d3a5f;stroke-width:2}
        svg .axis{stroke:#999;stroke-width:1}
        svg text{font-size:11px;fill:#333}
        .too-few{color:#6b6b6b;font-style:italic}
        .indicative{color:#6b6b6b}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
        dl.facts dt{margin:0}
        """;

    public const string TooFew = "too few answers";

    internal static async Task<IResult> OverviewAsync(string id, HttpContext http, WaveStore store, WaveCounts counts, AggregateService aggregates, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(id);
        }

        var d = wave.Definition;
        var zones = (await counts.ProgressAsync(wave, ct)).Zones;
        var overall = await ReadAsync(aggregates, id, AggregateBuilder.Wave, id, ct);
        var html = new StringBuilder();
        html.Append("<h1>").Append(Encode(d.Title)).Append("</h1><dl class=\"facts\">");
        Fact(html, "Phase", wave.Phase.ToString());
        Fact(html, "Invitation", d.InvitationDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Fact(html, "Reminder", d.ReminderDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Fact(html, "Close", d.EffectiveCloseDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Fact(html, "Letters issued", string.Create(CultureInfo.InvariantCulture, $"{zones.Sum(z => z.Invited):N0} invitations, {zones.Sum(z => z.Reminded):N0} reminders"));
        Fact(html, "Responses", string.Create(CultureInfo.InvariantCulture, $"{zones.Sum(z => z.Responded):N0}"));
        html.Append("</dl><h2>Response rate per zone</h2>");
        // Every zone's rate (the comparison is published to every analyst); a link to the pages of the key's own zones only.
        var scope = Security.AccessScope.Of(http);
        Bars(html, [.. zones.Select(z => (Label: z.Zone, Value: z.ResponseRate, Link: scope.AllowsZone(z.Zone) ? $"/dashboard/{id}/zones/{z.Zone}" : null))]);
        html.Append("<h2>Responses per day</h2>");
        if (overall?.ResponsesPerDay is { Count: > 0 } days)
        {
            Line(html, [.. days.Select(p => (p.Key, p.Value))]);
        }
        else
        {
            html.Append("<p class=\"too-few\">No responses released yet.</p>");
        }

        Downloads(html, id, AggregateBuilder.Wave, id);
        return Page(d.Title, html);
    }

    internal static async Task<IResult> ZoneAsync(string id, string zone, WaveStore store, AggregateService aggregates, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave || wave.Definition.Zones.FirstOrDefault(z => z.Id == zone) is not { } definition)
        {
            return NotFound(id);
        }

        var questionnaire = wave.Definition.QuestionnaireFor(zone)!;
        var html = new StringBuilder();
        html.Append("<p><a href=\"").Append(Encode($"/dashboard/{id}")).Append("\">").Append(Encode(wave.Definition.Title)).Append("</a></p>")
            .Append("<h1>").Append(Encode(definition.Name)).Append("</h1>");
        if (await ReadAsync(aggregates, id, AggregateBuilder.Zone, zone, ct) is not { } aggregate)
        {
            html.Append("<p class=\"too-few\">No responses released yet.</p>");
            return Page(definition.Name, html);
        }

        html.Append("<dl class=\"facts\">");
        Fact(html, "Responses", Count(aggregate));
        Fact(html, "Response rate", aggregate.ResponseRate is { } rate ? Percent(rate) : TooFew);
        if (aggregate.Publication != Publication.Suppressed)
        {
            Fact(html, "On paper", aggregate.OnPaper is { } paper ? string.Create(CultureInfo.InvariantCulture, $"{paper:N0} on paper, {aggregate.Responses - paper:N0} on the web") : "not published: one of the two is too small a group");
        }

        Fact(html, "Computed", aggregate.ComputedAt.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture));
        if (aggregate.Weighting is { } w)
        {
            Fact(html, "Weighting", string.Create(CultureInfo.InvariantCulture, $"{w.Method}; design effect {w.DesignEffect:F2}, effective n {w.EffectiveN:F0}{(w.Converged ? string.Empty : " (did not converge)")}"));
        }

        Fact(html, "Previous wave", aggregate.PreviousWave ?? "none recorded for this zone");
        html.Append("</dl>");
        if (aggregate.Publication == Publication.Suppressed)
        {
            html.Append("<p class=\"too-few\">").Append(TooFew).Append(": fewer than the minimum of respondents, so no figure is shown.</p>");
            return Page(definition.Name, html);
        }

        html.Append("<h2>Key indicators</h2><p>Share (strongly) agreeing or satisfied, weighted, with its 95% interval; ")
            .Append(Encode(aggregate.BaseNote)).Append("</p><table><thead><tr><th>Question</th><th>Share</th><th>Interval</th><th>Against other zones</th><th>Against the previous wave</th></tr></thead><tbody>");
        foreach (var question in aggregate.Questions.Where(q => q.Publication == Publication.Suppressed || q.Top2 is not null))
        {
            html.Append("<tr><td>").Append(Encode(questionnaire.Find(question.Id)?.Text.In("nl") ?? question.Id)).Append("</td>");
            if (question.Top2?.Weighted is { } share)
            {
                html.Append("<td class=\"num\">").Append(Percent(share)).Append(question.Publication == Publication.Indicative ? " <span class=\"indicative\">(indicative)</span>" : string.Empty)
                    .Append("</td><td>").Append(Whisker(share)).Append("</td><td>").Append(Words(question.Top2AgainstOtherZones))
                    .Append("</td><td>").Append(Words(question.Top2AgainstPreviousWave)).Append("</td></tr>");
            }
            else
            {
                html.Append("<td colspan=\"4\" class=\"too-few\">").Append(TooFew).Append("</td></tr>");
            }
        }

        html.Append("</tbody></table><p class=\"hint\">").Append(Encode(aggregate.ComparisonMethod)).Append(".</p>");
        html.Append("<h2>Municipalities and neighbourhoods</h2><table><thead><tr><th>Area</th><th>Responses</th><th>Response rate</th><th>")
            .Append(Encode(FirstIndicator(questionnaire, aggregate))).Append("</th><th>Download</th></tr></thead><tbody>");
        foreach (var municipality in definition.Municipalities)
        {
            var m = $"{zone}/{municipality.Name}";
            await AreaRowAsync(html, aggregates, id, AggregateBuilder.Municipality, m, municipality.Name, aggregate, ct);
            foreach (var neighbourhood in municipality.Neighbourhoods)
            {
                await AreaRowAsync(html, aggregates, id, AggregateBuilder.Neighbourhood, $"{m}/{neighbourhood}", "— " + neighbourhood, aggregate, ct);
            }
        }

        html.Append("</tbody></table>");
        Downloads(html, id, AggregateBuilder.Zone, zone);
        return Page(definition.Name, html);
    }

    private static string Words(Difference? difference) => difference switch
    {
        Difference.Higher => "higher",
        Difference.Lower => "lower",
        Difference.NotDifferent => "not different",
        _ => "—",
    };

    private static string FirstIndicator(Questionnaire questionnaire, AreaAggregate zone) =>
        zone.Questions.FirstOrDefault(q => q.Top2 is not null) is { } q ? questionnaire.Find(q.Id)?.Text.In("nl") ?? q.Id : "Indicator";

    private static async Task AreaRowAsync(StringBuilder html, AggregateService aggregates, string id, string level, string area, string label, AreaAggregate zone, CancellationToken ct)
    {
        var aggregate = await ReadAsync(aggregates, id, level, area, ct);
        var indicator = zone.Questions.FirstOrDefault(q => q.Top2 is not null)?.Id;
        var figure = aggregate?.Questions.FirstOrDefault(q => q.Id == indicator);
        html.Append("<tr><td>").Append(Encode(label)).Append("</td><td class=\"num\">").Append(aggregate is null ? "0" : Count(aggregate)).Append("</td>");
        if (aggregate is null || aggregate.Publication == Publication.Suppressed || figure?.Top2?.Weighted is not { } share)
        {
            html.Append("<td colspan=\"2\" class=\"too-few\">").Append(TooFew).Append("</td>");
        }
        else
        {
            html.Append("<td class=\"num\">").Append(aggregate.ResponseRate is { } rate ? Percent(rate) : string.Empty).Append("</td><td>").Append(Whisker(share)).Append(' ').Append(Percent(share)).Append("</td>");
        }

        html.Append("<td><a href=\"").Append(Encode($"/api/waves/{id}/aggregates?level={level}&area={Uri.EscapeDataString(area)}&format=csv")).Append("\">CSV</a></td></tr>");
    }

    /// <summary>The number of responses, or "fewer than N" where the area is suppressed: never an exact small count.</summary>
    private static string Count(AreaAggregate aggregate) =>
        aggregate.Responses is { } n ? n.ToString("N0", CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"fewer than {aggregate.ResponsesBelow}");

    private static void Downloads(StringBuilder html, string id, string level, string area)
    {
        var api = $"/api/waves/{id}/aggregates?level={level}&area={Uri.EscapeDataString(area)}";
        html.Append("<h2>Downloads</h2><p><a href=\"").Append(Encode(api)).Append("\">JSON</a> · <a href=\"")
            .Append(Encode(api + "&format=csv")).Append("\">CSV</a></p>");
    }

    /// <summary>
    /// Horizontal bars of shares (0-1), each labelled and linked. A group, not an image: an image's content is
    /// presentational, so the links in it would be hidden from assistive technology (axe's nested-interactive).
    /// </summary>
    private static void Bars(StringBuilder html, IReadOnlyList<(string Label, double Value, string? Link)> bars)
    {
        const int Width = 420;
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart bars\" role=\"group\" aria-label=\"Response rate per zone\" width=\"100%\" viewBox=\"0 0 {Width + 160} {(bars.Count * 24) + 10}\">");
        for (var i = 0; i < bars.Count; i++)
        {
            var (label, value, link) = bars[i];
            var y = (i * 24) + 5;
            html.Append(link is null ? "<g>" : $"<a href=\"{Encode(link)}\">")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 13}\">{Encode(label)}</text>")
                .Append(CultureInfo.InvariantCulture, $"<rect class=\"bar\" x=\"110\" y=\"{y}\" width=\"{Math.Max(1, value * Width):F1}\" height=\"16\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text x=\"{115 + (value * Width):F1}\" y=\"{y + 13}\">{value * 100:F0}%</text>").Append(link is null ? "</g>" : "</a>");
        }

        html.Append("</svg>");
    }

    /// <summary>A line of counts per day.</summary>
    private static void Line(StringBuilder html, IReadOnlyList<(string Day, int Count)> points)
    {
        const int Width = 560, Height = 160;
        var max = Math.Max(1, points.Max(p => p.Count));
        var step = points.Count > 1 ? (double)Width / (points.Count - 1) : 0;
        var coordinates = string.Join(" ", points.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"{20 + (i * step):F1},{Height - (p.Count * (Height - 20.0) / max):F1}")));
        html.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart line\" role=\"img\" aria-label=\"Responses per day, {points[0].Day} to {points[^1].Day}, at most {max} a day\" width=\"100%\" viewBox=\"0 0 {Width + 40} {Height + 20}\">")
            .Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"20\" y1=\"{Height}\" x2=\"{Width + 20}\" y2=\"{Height}\"/>")
            .Append("<polyline class=\"line\" points=\"").Append(coordinates).Append("\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"20\" y=\"{Height + 15}\">{points[0].Day}</text><text x=\"{Width - 40}\" y=\"{Height + 15}\">{points[^1].Day}</text><text x=\"22\" y=\"12\">{max}</text></svg>");
    }

    /// <summary>A share as a bar with its interval as a whisker.</summary>
    private static string Whisker(Share share)
    {
        const int Width = 200;
        return string.Create(CultureInfo.InvariantCulture,
            $"<svg class=\"whiskers\" role=\"img\" aria-label=\"{Percent(share)}\" width=\"{Width}\" height=\"18\"><rect class=\"bar\" x=\"0\" y=\"4\" width=\"{share.Value * Width:F1}\" height=\"10\"/>" +
            $"<line class=\"whisker\" x1=\"{share.Low * Width:F1}\" x2=\"{share.High * Width:F1}\" y1=\"9\" y2=\"9\"/>" +
            $"<line class=\"whisker\" x1=\"{share.Low * Width:F1}\" x2=\"{share.Low * Width:F1}\" y1=\"3\" y2=\"15\"/><line class=\"whisker\" x1=\"{share.High * Width:F1}\" x2=\"{share.High * Width:F1}\" y1=\"3\" y2=\"15\"/></svg>");
    }

    private static string Percent(Share share) => string.Create(CultureInfo.InvariantCulture, $"{share.Percent}% ({share.Low * 100:F0}–{share.High * 100:F0}%)");

    private static void Fact(StringBuilder html, string term, string value) =>
        html.Append("<dt>").Append(Encode(term)).Append("</dt><dd>").Append(Encode(value)).Append("</dd>");

    internal static async Task<AreaAggregate?> ReadAsync(AggregateService aggregates, string id, string level, string area, CancellationToken ct) =>
        await aggregates.ReadAsync(id, level, area, ct) is { } json ? JsonSerializer.Deserialize<AreaAggregate>(json, AggregateService.Json) : null;

    private static IResult Page(string title, StringBuilder body) => PageHtml.Html("en", title, body.ToString(), _ => null, StatusCodes.Status200OK, Style);

    private static IResult NotFound(string id) =>
        PageHtml.Html("en", "Not found", $"<h1>Not found</h1><p>No wave or zone '{Encode(id)}'.</p>", _ => null, StatusCodes.Status404NotFound, Style);
}
