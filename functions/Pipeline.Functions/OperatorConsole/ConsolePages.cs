using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Http;
using Pipeline.Functions.Operations;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Security;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Waves;
using static Pipeline.Functions.Http.PageHtml;

namespace Pipeline.Functions.OperatorConsole;

/// <summary>
/// The operator console, <c>/console</c>: server-rendered pages in the page shell, no script needed, in nl, fr and en
/// (chosen as the form chooses: <c>?lang=</c>, else the browser's languages). It calls the API's own handlers and
/// services, never the API over HTTP, and shows their messages. Every POST carries the session's anti-forgery token
/// (<see cref="KeyFilter"/>); an action that cannot be undone asks for a confirmation that states its consequence.
/// </summary>
internal static class ConsolePages
{
    /// <summary>The actions of a wave's page, by the last segment of their route.</summary>
    internal static readonly IReadOnlyList<string> Actions = ["sample", "draw", "proof", "start", "paper", "returned", "reminder", "close", "cancel", "close-now", "purge-now"];

    /// <summary>The actions whose form sends a file.</summary>
    private static readonly IReadOnlyList<string> Uploads = ["sample", "draw", "paper"];

    private const string Style = """
        main{max-width:72rem}
        table{border-collapse:collapse;margin:.5rem 0 1.5rem;width:100%}
        caption{text-align:left;font-weight:600;padding:.25rem 0}
        th,td{border-bottom:1px solid #b8b8b8;padding:.35rem .5rem;text-align:left;vertical-align:top}
        td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
        .scroll{overflow-x:auto}
        nav.console ul{display:flex;flex-wrap:wrap;gap:1rem;list-style:none;padding:0}
        form.inline{display:inline-block;margin:0 .75rem .75rem 0}
        input[type=text]{max-width:24rem}
        textarea{min-height:20rem;font-family:ui-monospace,monospace;font-size:.9rem}
        form.keying .q{margin:0 0 .75rem}
        form.keying input[type=text]{max-width:12rem}
        form.keying input:invalid{border-color:#b00020;border-width:2px;outline:2px solid #b00020}
        """;

    // GET /console
    internal static async Task<IResult> WavesAsync(HttpRequest request, string? lang, WaveStore store, WaveCounts counts, CancellationToken ct)
    {
        var language = Language(lang, request);
        var text = ConsoleText.For(language);
        var html = new StringBuilder("<h1>").Append(Encode(text.Waves)).Append("</h1>").Append(Nav(text, language, request));
        var scope = AccessScope.Of(request.HttpContext);
        var waves = (await store.ListAsync(ct)).Where(w => scope.AllowsWave(w.Definition.Id)).ToList();
        if (waves.Count == 0)
        {
            html.Append("<p>").Append(Encode(text.NoWaves)).Append("</p>");
        }
        else
        {
            html.Append(Table(text.Waves)).Append("<thead><tr>")
                .Append(Th(text.Id)).Append(Th(text.Title)).Append(Th(text.Phase)).Append(Th(text.Zone))
                .Append(Th(text.Sample, numeric: true)).Append(Th(text.Invited, numeric: true)).Append(Th(text.Responded, numeric: true)).Append(Th(text.Rate, numeric: true))
                .Append("</tr></thead><tbody>");
            foreach (var wave in waves.OrderByDescending(w => w.CreatedAt))
            {
                var zones = (wave.Purged && !wave.CountsFixed ? WaveProgressView.None : await counts.ProgressAsync(wave, ct)).Zones;
                var (invited, responded) = (zones.Sum(z => z.Invited), zones.Sum(z => z.Responded));
                html.Append("<tr><td><a href=\"").Append(Encode(WavePath(wave.Definition.Id, language))).Append("\">").Append(Encode(wave.Definition.Id)).Append("</a></td>")
                    .Append("<td>").Append(Encode(wave.Definition.Title)).Append("</td><td>").Append(Encode(text.PhaseName(wave.Phase))).Append("</td>")
                    .Append("<td>").Append(wave.Definition.Zones.Count).Append("</td>")
                    .Append(Td(wave.SampleSize)).Append(Td(invited)).Append(Td(responded)).Append(Td(Rate(responded, invited))).Append("</tr>");
            }

            html.Append("</tbody></table></div>");
        }

        return Page(language, text.Waves, html, l => $"/console?lang={l}", StatusCodes.Status200OK);
    }

    // GET /console/operations
    internal static async Task<IResult> OperationsAsync(HttpRequest request, string? lang, string? continuation, HealthCache health, DurableTaskClient client, CancellationToken ct)
    {
        var language = Language(lang, request);
        var text = ConsoleText.For(language);
        var html = new StringBuilder("<h1>").Append(Encode(text.Operations)).Append("</h1>").Append(Nav(text, language, request));
        var report = await health.GetAsync(ct);
        html.Append("<h2>").Append(Encode(text.Storage)).Append("</h2>").Append(Table(text.Storage)).Append("<thead><tr>").Append(Th(text.Service)).Append(Th(text.State)).Append("</tr></thead><tbody>");
        foreach (var (service, entry) in report.Entries)
        {
            html.Append("<tr><td>").Append(Encode(service)).Append("</td><td>")
                .Append(Encode(entry.Status == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy ? "ok" : entry.Description ?? entry.Exception?.GetType().Name ?? "failed")).Append("</td></tr>");
        }

        html.Append("</tbody></table></div>");

        // The runs that stopped without their close or purge, and the way back; then every instance, one page at a time.
        var failed = await DurableApi.ListAsync(client, "Failed,Terminated", null, null, 100, null, ct);
        html.Append("<h2>").Append(Encode(text.FailedRuns)).Append("</h2>");
        if (failed.Result is Ok<InstancePage> { Value.Instances: { Count: > 0 } stopped })
        {
            html.Append("<p>").Append(Encode(text.Recover)).Append("</p>").Append(Instances(text, language, text.FailedRuns, stopped));
        }
        else
        {
            html.Append("<p>").Append(Encode(text.NoFailedRuns)).Append("</p>");
        }

        var all = await DurableApi.ListAsync(client, null, null, null, 50, continuation, ct);
        html.Append("<h2>").Append(Encode(text.Instances)).Append("</h2>");
        if (all.Result is Ok<InstancePage> { Value: { } page })
        {
            html.Append(Instances(text, language, text.Instances, page.Instances));
            if (page.ContinuationToken is { } more)
            {
                html.Append("<p><a href=\"").Append(Encode($"/console/operations?lang={language}&continuation={Uri.EscapeDataString(more)}")).Append("\">").Append(Encode(text.More)).Append("</a></p>");
            }
        }
        else
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(Encode(Messages(all.Result))).Append("</p>");
        }

        return Page(language, text.Operations, html, l => $"/console/operations?lang={l}", all.Result is Ok<InstancePage> ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static string Instances(ConsoleText text, string language, string caption, IReadOnlyList<InstanceView> instances)
    {
        var html = new StringBuilder(Table(caption)).Append("<thead><tr>").Append(Th(text.Instance)).Append(Th(text.Name)).Append(Th(text.Status)).Append(Th(text.Updated)).Append(Th(text.Reason)).Append("</tr></thead><tbody>");
        foreach (var instance in instances)
        {
            html.Append("<tr><td>").Append(instance.Name == nameof(WaveOrchestrator)
                    ? $"<a href=\"{Encode(WavePath(instance.InstanceId, language))}\">{Encode(instance.InstanceId)}</a>"
                    : Encode(instance.InstanceId))
                .Append("</td><td>").Append(Encode(instance.Name)).Append("</td><td>").Append(instance.RuntimeStatus).Append("</td><td>")
                .Append(instance.LastUpdatedAt.UtcDateTime.ToString("u", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(instance.FailureDetails?.ErrorMessage ?? string.Empty)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    // GET /console/new
    internal static IResult NewWave(HttpRequest request, string? lang) =>
        NewWaveForm(request, Language(lang, request), null, [], string.Empty, null, StatusCodes.Status200OK);

    // POST /console/waves
    internal static async Task<IResult> CreateAsync(HttpRequest request, WaveStore store, TimeProvider time, CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var language = Language(form["lang"].FirstOrDefault(), request);
        if (!form.ContainsKey("definition"))
        {
            // The form of fields: what cannot be read is said first; then the API's validation, field by field.
            var (fields, unreadable) = await DefinitionForm.ReadAsync(form, ct);
            if (unreadable.Count > 0)
            {
                // What could not be read, and what the API would say of the rest, at once.
                foreach (var (field, messages) in DefinitionForm.ErrorsOf(TypedResults.ValidationProblem(WaveValidator.Validate(fields))))
                {
                    unreadable.TryAdd(field, messages);
                }

                return NewWaveForm(request, language, form, unreadable, string.Empty, null, StatusCodes.Status400BadRequest);
            }

            var created = await WavesApi.CreateFromAsync(fields, store, time, ct);
            if (Succeeded(created))
            {
                AuditTrail.About(request.HttpContext, fields.Id);
            }

            return Succeeded(created)
                ? Results.Redirect(WavePath(fields.Id, language) + "&done=created")
                : NewWaveForm(request, language, form, DefinitionForm.ErrorsOf(created), string.Empty, null, Status(created));
        }

        var json = form["definition"].FirstOrDefault() ?? string.Empty;
        if (Encoding.UTF8.GetByteCount(json) > WaveStore.MaxDefinitionBytes)
        {
            return NewWaveForm(request, language, null, [], json, Messages(JsonBody.TooLarge(WaveStore.MaxDefinitionBytes)), StatusCodes.Status413PayloadTooLarge);
        }

        var (definition, problem) = JsonBody.Parse<WaveDefinition>(Encoding.UTF8.GetBytes(json), AppJson.Web);
        var result = problem ?? await WavesApi.CreateFromAsync(definition!, store, time, ct);
        if (Succeeded(result))
        {
            AuditTrail.About(request.HttpContext, definition!.Id);
        }

        return Succeeded(result)
            ? Results.Redirect(WavePath(definition!.Id, language) + "&done=created")
            : NewWaveForm(request, language, null, [], json, Messages(result), Status(result));
    }

    // GET /console/waves/{id}/definition/json
    internal static async Task<IResult> DefinitionAsync(string id, WaveStore store, CancellationToken ct) =>
        await store.GetAsync(id, ct) is { } wave
            ? TypedResults.File(JsonSerializer.SerializeToUtf8Bytes(wave.Definition, AppJson.Web), "application/json", $"{id}.json")
            : WavesApi.WaveNotFound(id);

    // GET /console/waves/{id}
    internal static async Task<IResult> WaveAsync(string id, HttpRequest request, string? lang, string? done, WaveStore store, WaveCounts counts, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        var language = Language(lang, request);
        var text = ConsoleText.For(language);
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(request, language, id);
        }

        var d = wave.Definition;
        var html = new StringBuilder("<h1>").Append(Encode(d.Title)).Append("</h1>").Append(Nav(text, language, request));
        if (done is not null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(Encode(text.Done)).Append("</p>");
        }

        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        var progress = instance?.SerializedCustomStatus is { } status ? JsonSerializer.Deserialize<WaveProgress>(status, AppJson.Web) : null;
        html.Append("<dl class=\"facts\">")
            .Append("<dt>").Append(Encode(text.Id)).Append("</dt><dd>").Append(Encode(d.Id)).Append("</dd>")
            .Append("<dt>").Append(Encode(text.Phase)).Append("</dt><dd>").Append(Encode(text.PhaseName(wave.Phase))).Append(wave.Purged ? $" ({Encode(text.Purged)})" : string.Empty).Append("</dd>")
            .Append("<dt>").Append(Encode(text.Sample)).Append("</dt><dd>").Append(wave.SampleSize.ToString("N0", CultureInfo.InvariantCulture)).Append("</dd>")
            .Append("<dt>").Append(Encode(text.Reminder)).Append("</dt><dd>").Append(WaveCalendar.Morning(d.ReminderDate).ToString("u", CultureInfo.InvariantCulture)).Append("</dd>")
            .Append("<dt>").Append(Encode(text.Close)).Append("</dt><dd>").Append(WaveCalendar.EndOfDay(d.EffectiveCloseDate).ToString("u", CultureInfo.InvariantCulture)).Append("</dd>")
            .Append("<dt>").Append(Encode(text.Run)).Append("</dt><dd>").Append(instance is null ? "–" : instance.RuntimeStatus.ToString())
            .Append(progress is null ? string.Empty : " – " + Encode(progress.Phase))
            .Append(instance?.FailureDetails?.ErrorMessage is { } failure ? ": " + Encode(failure) : string.Empty).Append("</dd>");
        if (progress?.NextTimer is { } next)
        {
            html.Append("<dt>").Append(Encode(text.NextTimer)).Append("</dt><dd>").Append(next.ToString("u", CultureInfo.InvariantCulture)).Append("</dd>");
        }

        html.Append("</dl>");

        if (wave.Phase != WavePhase.Draft && !(wave.Purged && !wave.CountsFixed))
        {
            var figures = await counts.ProgressAsync(wave, ct);
            html.Append("<h2>").Append(Encode(text.Progress)).Append("</h2>").Append(Table(text.Progress)).Append("<thead><tr>")
                .Append(Th(text.Zone)).Append(Th(text.Municipality)).Append(Th(text.Invited, numeric: true)).Append(Th(text.Reminded, numeric: true)).Append(Th(text.OptedOut, numeric: true))
                .Append(Th(text.Returned, numeric: true)).Append(Th(text.NetSample, numeric: true)).Append(Th(text.Responded, numeric: true)).Append(Th(text.OnPaper, numeric: true)).Append(Th(text.Rate, numeric: true)).Append("</tr></thead><tbody>");
            foreach (var zone in figures.Zones)
            {
                html.Append("<tr><th scope=\"row\">").Append(Encode(d.Zones.FirstOrDefault(z => z.Id == zone.Zone)?.Name ?? zone.Zone)).Append("</th><td></td>")
                    .Append(Td(zone.Invited)).Append(Td(zone.Reminded)).Append(Td(zone.OptedOut)).Append(Td(zone.Returned)).Append(Td(zone.NetSample)).Append(Td(zone.Responded)).Append(Td(zone.OnPaper)).Append(Td(Rate(zone.Responded, zone.NetSample))).Append("</tr>");
                foreach (var m in figures.Municipalities.Where(m => m.Zone == zone.Zone))
                {
                    html.Append("<tr><td></td><th scope=\"row\">").Append(Encode(m.Municipality)).Append("</th>")
                        .Append(Td(m.Invited)).Append(Td(m.Reminded)).Append(Td(m.OptedOut)).Append(Td(m.Returned)).Append(Td(m.NetSample)).Append(Td(m.Responded)).Append(Td(m.OnPaper)).Append(Td(Rate(m.Responded, m.NetSample))).Append("</tr>");
                }
            }

            var zones = figures.Zones;
            var (invited, net, responded) = (zones.Sum(z => z.Invited), zones.Sum(z => z.NetSample), zones.Sum(z => z.Responded));
            html.Append("</tbody><tfoot><tr><th scope=\"row\">").Append(Encode(text.Total)).Append("</th><td></td>").Append(Td(invited)).Append(Td(zones.Sum(z => z.Reminded)))
                .Append(Td(zones.Sum(z => z.OptedOut))).Append(Td(zones.Sum(z => z.Returned))).Append(Td(net)).Append(Td(responded)).Append(Td(zones.Sum(z => z.OnPaper))).Append(Td(Rate(responded, net))).Append("</tr></tfoot></table></div>");

            // The reminder plan: before the list is fixed, when and to how many (everyone not responded and not opted out now).
            if (figures.Zones.Sum(z => z.Reminded) == 0 && wave.Phase == WavePhase.Fieldwork)
            {
                var due = figures.Zones.Sum(z => Math.Max(0, z.Invited - z.Responded - z.OptedOut - z.Returned));
                html.Append("<p>").Append(Encode(string.Format(CultureInfo.InvariantCulture, text.ReminderPlan, WaveCalendar.Morning(d.ReminderDate).ToString("u", CultureInfo.InvariantCulture), due))).Append("</p>");
            }

            html.Append(PerDay(text, figures.ResponsesPerDay));
        }

        if (wave.Phase == WavePhase.Draft && wave.SampleCounts.Count > 0)
        {
            html.Append("<h2>").Append(Encode(text.Sample)).Append("</h2>").Append(Groups(text, wave.SampleCounts));
        }

        var letters = await WavesApi.LetterFilesAsync(id, store, ct);
        html.Append("<h2>").Append(Encode(text.Letters)).Append("</h2>");
        if (letters.Count == 0)
        {
            html.Append("<p>").Append(Encode(text.NoLetters)).Append("</p>");
        }
        else
        {
            html.Append(Table(text.Letters)).Append("<thead><tr>")
                .Append(Th(text.Kind)).Append(Th(text.Zone)).Append(Th(text.Language)).Append(Th(text.Batch)).Append(Th(text.File)).Append("</tr></thead><tbody>");
            foreach (var letter in letters.OrderBy(l => l.Kind, StringComparer.Ordinal).ThenBy(l => l.Zone, StringComparer.Ordinal).ThenBy(l => l.Language, StringComparer.Ordinal).ThenBy(l => l.Batch, StringComparer.Ordinal).ThenBy(l => l.Type, StringComparer.Ordinal))
            {
                html.Append("<tr><td>").Append(Encode(letter.Kind)).Append("</td><td>").Append(Encode(letter.Zone)).Append("</td><td>").Append(Encode(letter.Language)).Append("</td><td>")
                    .Append(Encode(letter.Batch)).Append("</td><td><a href=\"").Append(Encode(letter.Url)).Append("\" download>").Append(Encode(letter.Type.ToUpperInvariant()))
                    .Append(" (").Append((letter.Length / 1024.0).ToString("N0", CultureInfo.InvariantCulture)).Append(" KB)</a></td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        var steps = instance is null ? [] : await RunTimeline.ReadAsync(client, id, ct);
        if (steps.Count > 0)
        {
            html.Append("<h2>").Append(Encode(text.Timeline)).Append("</h2>").Append(Table(text.Timeline)).Append("<thead><tr>").Append(Th(text.When)).Append(Th(text.What)).Append("</tr></thead><tbody>");
            foreach (var step in steps)
            {
                html.Append("<tr><td>").Append(step.At.ToString("u", CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(Describe(text, step))).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("<h2>").Append(Encode(text.Actions)).Append("</h2><ul><li><a href=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/definition/json")).Append("\" download>")
            .Append(Encode(text.DefinitionJson)).Append("</a></li>");
        foreach (var paperLanguage in d.Languages)
        {
            html.Append("<li><a href=\"").Append(Encode($"/api/waves/{Uri.EscapeDataString(id)}/paper-questionnaire/{paperLanguage}")).Append("\" download>")
                .Append(Encode(string.Format(CultureInfo.InvariantCulture, text.PaperQuestionnaire, ShellText.For(paperLanguage).LanguageName))).Append("</a></li>");
        }

        foreach (var action in Offered(wave, instance, time.GetUtcNow()))
        {
            html.Append("<li><a href=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/{action}?lang={language}")).Append("\">").Append(Encode(ActionName(text, action))).Append("</a></li>");
        }

        if (wave.TakesPaper(time.GetUtcNow()))
        {
            html.Append("<li><a href=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/keying/forms?lang={language}")).Append("\">").Append(Encode(text.Keying)).Append("</a></li>");
        }

        html.Append("<li><a href=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/audit/log?lang={language}")).Append("\">").Append(Encode(text.AuditTrail)).Append("</a></li>");

        html.Append("</ul>");
        return Page(language, d.Title, html, l => $"/console/waves/{Uri.EscapeDataString(id)}?lang={l}", StatusCodes.Status200OK);
    }

    // GET /console/waves/{id}/{action}
    internal static async Task<IResult> ConfirmAsync(string id, string action, HttpRequest request, string? lang, WaveStore store, CancellationToken ct)
    {
        var language = Language(lang, request);
        if (!Actions.Contains(action) || await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(request, language, id);
        }

        return ActionForm(request, language, wave, action, null, string.Empty, StatusCodes.Status200OK);
    }

    // POST /console/waves/{id}/{action}
    internal static async Task<IResult> ActAsync(
        string id,
        string action,
        HttpRequest request,
        WaveStore store,
        WaveStarter starter,
        DurableTaskClient client,
        WaveEnding ending,
        SampleImport samples,
        PaperImport paper,
        InvitationStore invitations,
        IOptions<WaveOptions> options,
        TimeProvider time,
        CancellationToken ct)
    {
        var form = await request.ReadFormAsync(ct);
        var language = Language(form["lang"].FirstOrDefault(), request);
        if (!Actions.Contains(action) || action == "proof" || await store.GetAsync(id, ct) is not { } wave)
        {
            return NotFound(request, language, id);
        }

        var text = ConsoleText.For(language);
        if (Uploads.Contains(action))
        {
            if (form.Files["file"] is not { Length: > 0 } file)
            {
                return ActionForm(request, language, wave, action, text.FileMissing, string.Empty, StatusCodes.Status400BadRequest);
            }

            await using var body = file.OpenReadStream();
            var uploaded = action switch
            {
                "sample" => await WavesApi.UploadSampleFromAsync(id, request.HttpContext, body, store, samples, client, options, ct),
                "draw" => await WavesApi.DrawSampleFromAsync(id, Field(form, "seed"), Field(form, "perZone"), Field(form, "size"), request.HttpContext, body, store, samples, client, options, ct),
                _ => await PaperApi.ImportPaperFromAsync(id, request.HttpContext, body, store, paper, options, time, ct),
            };
            return Succeeded(uploaded)
                ? ActionForm(request, language, (await store.GetAsync(id, ct))!, action, null, string.Empty, StatusCodes.Status200OK, Report(text, uploaded))
                : ActionForm(request, language, wave, action, Messages(uploaded), string.Empty, Status(uploaded), RefusedRows(text, uploaded));
        }

        var typed = form["value"].FirstOrDefault()?.Trim() ?? string.Empty;
        IResult result;
        switch (action)
        {
            case "returned":
                var report = await WavesApi.ReturnLettersFromAsync(id, typed.Split('\n'), store, invitations, ct);
                return Succeeded(report)
                    ? ActionForm(request, language, wave, action, null, string.Empty, StatusCodes.Status200OK, Report(text, report))
                    : ActionForm(request, language, wave, action, Messages(report), typed, Status(report));
            case "start":
                result = await WavesApi.StartWithAsync(id, new StartRequest(), store, starter, client, time, ct);
                break;
            case "cancel":
                result = await WavesApi.CancelAsync(store, client, id, ct);
                break;
            case "reminder" or "close":
                var name = action == "reminder" ? WaveEvents.RescheduleReminder : WaveEvents.RescheduleClose;
                if (!DateTime.TryParseExact(typed, ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at))
                {
                    return ActionForm(request, language, wave, action, text.RescheduleHint, typed, StatusCodes.Status400BadRequest);
                }

                result = await WavesApi.RescheduleAsync(id, name, new TimeChange(At: new DateTimeOffset(at, TimeSpan.Zero)), store, client, time, ct);
                break;
            default:
                if (!string.Equals(typed, id, StringComparison.Ordinal))
                {
                    return ActionForm(request, language, wave, action, string.Format(CultureInfo.InvariantCulture, text.TypeIdWrong, id), typed, StatusCodes.Status400BadRequest);
                }

                result = action == "close-now"
                    ? await WaveRunApi.CloseNowAsync(id, store, client, ending, ct)
                    : await WaveRunApi.PurgeNowAsync(id, store, client, ending, ct);
                break;
        }

        return Succeeded(result)
            ? Results.Redirect(WavePath(id, language) + "&done=" + action)
            : ActionForm(request, language, wave, action, Messages(result), typed, Status(result));
    }

    private static string Describe(ConsoleText text, RunTimeline.Step step) => step.Kind switch
    {
        RunTimeline.StepKind.Letters => step.Batch is { } b
            ? string.Format(CultureInfo.InvariantCulture, text.StepLetters, step.Count, b.Kind == LetterKind.Invitation ? text.Invitation : text.Reminder, b.Zone, b.Language, b.Batch)
            : string.Format(CultureInfo.InvariantCulture, text.StepLetters, step.Count, text.Letters, "?", "?", "?"),
        RunTimeline.StepKind.ReminderList => string.Format(CultureInfo.InvariantCulture, text.StepReminderList, step.Count),
        RunTimeline.StepKind.OperatorEvent => string.Format(CultureInfo.InvariantCulture, text.StepEvent, step.Detail),
        RunTimeline.StepKind.Closed => string.Format(CultureInfo.InvariantCulture, text.StepClosed, step.Count),
        RunTimeline.StepKind.Purged => string.Format(CultureInfo.InvariantCulture, text.StepPurged, step.Count),
        _ => string.Format(CultureInfo.InvariantCulture, text.StepFailed, step.Detail),
    };

    /// <summary>What the console offers for a wave in its phase: the API would refuse the others.</summary>
    private static IEnumerable<string> Offered(WaveRecord wave, OrchestrationMetadata? run, DateTimeOffset now)
    {
        var active = run?.RuntimeStatus is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending;
        if (wave.Phase == WavePhase.Draft && run is null)
        {
            yield return "sample";
            yield return "draw";
            yield return "proof";
            if (wave.SampleId is not null)
            {
                yield return "start";
            }
        }

        if (wave.TakesPaper(now))
        {
            yield return "paper";
        }

        if (wave.Phase != WavePhase.Draft && !wave.Purged)
        {
            yield return "returned";
        }

        if (active)
        {
            yield return "reminder";
            yield return "close";
            yield return "cancel";
        }
        else if (wave.Phase != WavePhase.Draft && !wave.Purged)
        {
            yield return wave.Phase is WavePhase.Closed or WavePhase.Cancelled ? "purge-now" : "close-now";
        }
    }

    private static string ActionName(ConsoleText text, string action) => action switch
    {
        "start" => text.Start,
        "cancel" => text.Cancel,
        "reminder" => $"{text.Reminder}: {text.Reschedule}",
        "close" => $"{text.Close}: {text.Reschedule}",
        "close-now" => text.CloseNow,
        "sample" => text.SampleFile,
        "draw" => text.Draw,
        "paper" => text.Paper,
        "returned" => text.ReturnedLetters,
        "proof" => text.Proof,
        _ => text.PurgeNow,
    };

    private static IResult ActionForm(HttpRequest request, string language, WaveRecord wave, string action, string? error, string typed, int status, string? report = null)
    {
        var text = ConsoleText.For(language);
        var id = wave.Definition.Id;
        var title = ActionName(text, action);
        var html = new StringBuilder("<h1>").Append(Encode(title)).Append("</h1>").Append(Nav(text, language, request));
        if (report is not null && error is null)
        {
            html.Append("<p class=\"notice\" role=\"status\">").Append(Encode(text.Done)).Append("</p>").Append(report);
        }

        if (action == "proof")
        {
            html.Append("<p>").Append(Encode(text.ProofHint)).Append("</p><ul>");
            foreach (var (kind, name) in new[] { ("invitation", text.Invitation), ("reminder", text.Reminder) })
            {
                html.Append("<li><a href=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/proof/{kind}")).Append("\">").Append(Encode(name)).Append(" (PDF)</a></li>");
            }

            html.Append("</ul><p><a href=\"").Append(Encode(WavePath(id, language))).Append("\">").Append(Encode(text.Back)).Append("</a></p>");
            return Page(language, title, html, l => $"/console/waves/{Uri.EscapeDataString(id)}/{action}?lang={l}", status);
        }

        var upload = Uploads.Contains(action);
        var consequence = action switch
        {
            "start" => string.Format(CultureInfo.InvariantCulture, text.StartConfirm, id, wave.SampleSize.ToString("N0", CultureInfo.InvariantCulture)),
            "cancel" => string.Format(CultureInfo.InvariantCulture, text.CancelConfirm, id),
            "reminder" or "close" => text.RescheduleHint,
            "sample" => text.SampleHint,
            "draw" => text.DrawHint,
            "paper" => text.PaperHint,
            "returned" => text.ReturnedHint,
            _ => text.TypeId,
        };
        html.Append("<form method=\"post\" action=\"").Append(Encode($"/console/waves/{Uri.EscapeDataString(id)}/{action}")).Append('"')
            .Append(upload ? " enctype=\"multipart/form-data\"" : string.Empty).Append('>').Append(Hidden(request, language))
            .Append("<p id=\"consequence\">").Append(Encode(consequence)).Append("</p>");
        if (upload)
        {
            var label = action switch { "sample" => text.SampleFile, "draw" => text.Extract, _ => text.PaperFile };
            html.Append(Field("file", label, "file", string.Empty, error, context: "consequence", alert: true));
            if (action == "draw")
            {
                html.Append(Field("seed", text.Seed, "text", string.Empty, null, context: "consequence"))
                    .Append(Field("perZone", text.PerZone, "text", "1400", null, context: "consequence"))
                    .Append(Field("size", text.Size, "text", string.Empty, null, context: "consequence"));
            }
        }
        else if (action == "returned")
        {
            html.Append(Field("value", text.ReturnedTokens, "textarea", typed, error, context: "consequence", alert: true, required: true));
        }
        else if (action is "reminder" or "close" or "close-now" or "purge-now")
        {
            html.Append(Field("value", action is "reminder" or "close" ? $"{title} (UTC)" : text.TypeId, "text", typed, error, context: "consequence", alert: true, required: true));
        }
        else if (error is not null)
        {
            html.Append("<p class=\"error\" role=\"alert\">").Append(Encode(error)).Append("</p>");
        }

        html.Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(upload ? text.Upload : text.Confirm)).Append("</button> <a href=\"").Append(Encode(WavePath(id, language))).Append("\">")
            .Append(Encode(text.Back)).Append("</a></div></form>");
        if (error is not null && report is not null)
        {
            html.Append(report);
        }

        return Page(language, title, html, l => $"/console/waves/{Uri.EscapeDataString(id)}/{action}?lang={l}", status);
    }

    /// <summary>
    /// A labelled field (<c>text</c>, <c>textarea</c> or a CSV <c>file</c>) with its hint and its error next to it, described
    /// by both and by <paramref name="context"/> (an action's consequence). On a form without an error summary the error
    /// is announced at once and the field takes the focus (<paramref name="alert"/>).
    /// </summary>
    internal static string Field(string name, string label, string type, string value, string? error, string? hint = null, string? context = null, bool alert = false, bool required = false, bool focus = false, string? pattern = null, int? maxLength = null)
    {
        var id = Id(name);
        var described = string.Join(' ', new[] { error is null ? null : id + "-error", hint is null ? null : id + "-hint", context }.OfType<string>());
        var html = new StringBuilder("<div class=\"q").Append(error is null ? string.Empty : " invalid").Append("\"><label for=\"").Append(id).Append("\">").Append(Encode(label)).Append("</label>");
        if (hint is not null)
        {
            html.Append("<p class=\"hint\" id=\"").Append(id).Append("-hint\">").Append(Encode(hint)).Append("</p>");
        }

        html.Append(ErrorLine(id, error, alert));
        var attributes = new StringBuilder($" id=\"{id}\" name=\"{name}\"")
            .Append(type == "file" ? " accept=\".csv,text/csv\"" : " autocomplete=\"off\" spellcheck=\"false\"")
            .Append(required || type == "file" ? " required" : string.Empty)
            .Append(described.Length > 0 ? $" aria-describedby=\"{described}\"" : string.Empty)
            .Append(error is null ? string.Empty : " aria-invalid=\"true\"")
            .Append((error is not null && alert) || focus ? " autofocus" : string.Empty)
            .Append(pattern is null ? string.Empty : $" pattern=\"{Encode(pattern)}\"")
            .Append(maxLength is { } max ? $" maxlength=\"{max}\"" : string.Empty);
        return (type switch
        {
            "textarea" => html.Append("<textarea").Append(attributes).Append('>').Append(Encode(value)).Append("</textarea>"),
            "file" => html.Append("<input type=\"file\"").Append(attributes).Append('>'),
            _ => html.Append("<input type=\"text\"").Append(attributes).Append(" value=\"").Append(Encode(value)).Append("\">"),
        }).Append("</div>").ToString();
    }

    internal static string ErrorLine(string id, string? error, bool alert = false) =>
        error is null ? string.Empty : $"<p class=\"error\" id=\"{id}-error\"{(alert ? " role=\"alert\"" : string.Empty)}>{Encode(error)}</p>";

    private static string? Field(IFormCollection form, string name) => form[name].FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>What an upload did: people per zone and language, the draw's strata, or the paper forms taken and refused.</summary>
    private static string Report(ConsoleText text, IResult result)
    {
        var html = new StringBuilder();
        switch (result)
        {
            case Ok<SampleAccepted> { Value: { } accepted }:
                html.Append(Groups(text, accepted.PerZoneAndLanguage));
                break;
            case Ok<SampleDrawn> { Value: { } drawn }:
                html.Append("<p>").Append(Encode(text.Seed)).Append(": ").Append(drawn.Seed.ToString(CultureInfo.InvariantCulture)).Append("</p>").Append(Groups(text, drawn.PerZoneAndLanguage))
                    .Append(Table(text.Draw)).Append("<thead><tr>").Append(Th(text.Zone)).Append(Th(text.Municipality)).Append(Th(text.AgeBand)).Append(Th(text.Sex))
                    .Append(Th(text.Population, numeric: true)).Append(Th(text.Drawn, numeric: true)).Append("</tr></thead><tbody>");
                foreach (var stratum in drawn.Strata)
                {
                    html.Append("<tr><td>").Append(Encode(stratum.Zone)).Append("</td><td>").Append(Encode(stratum.Municipality)).Append("</td><td>").Append(Encode(stratum.AgeBand))
                        .Append("</td><td>").Append(Encode(stratum.Sex)).Append("</td>").Append(Td(stratum.Population)).Append(Td(stratum.Drawn)).Append("</tr>");
                }

                html.Append("</tbody></table></div>");
                break;
            case Ok<ReturnedReport> { Value: { } returned }:
                html.Append("<dl class=\"facts\"><dt>").Append(Encode(text.Returned)).Append("</dt><dd>").Append(returned.Returned).Append("</dd><dt>").Append(Encode(text.AlreadyReturned))
                    .Append("</dt><dd>").Append(returned.AlreadyReturned).Append("</dd><dt>").Append(Encode(text.Rejected)).Append("</dt><dd>").Append(returned.Refused.Count)
                    .Append("</dd></dl>").Append(Rows(text, text.Rejected, returned.Refused.Select(r => (r.Line, r.Reason))));
                break;
            case Ok<PaperReport> { Value: { } report }:
                html.Append("<dl class=\"facts\"><dt>").Append(Encode(text.Accepted)).Append("</dt><dd>").Append(report.Accepted).Append("</dd><dt>").Append(Encode(text.Rejected))
                    .Append("</dt><dd>").Append(report.Rejected).Append("</dd></dl>").Append(Rows(text, text.Rejected, report.Rejections.Select(r => (r.Line, r.Reason))));
                break;
        }

        return html.ToString();
    }

    /// <summary>The rows a refused upload names, by line and reason (the API's problem's <c>errors</c>).</summary>
    private static string? RefusedRows(ConsoleText text, IResult result) =>
        result is ProblemHttpResult { ProblemDetails.Extensions: { } extensions } && extensions.TryGetValue("errors", out var errors) && errors is not null
            ? Rows(text, text.Rejected, JsonSerializer.SerializeToElement(errors, AppJson.Web).EnumerateArray().Select(e => (e.GetProperty("line").GetInt64(), e.GetProperty("reason").GetString() ?? string.Empty)))
            : null;

    private static string Rows(ConsoleText text, string caption, IEnumerable<(long Line, string Reason)> rows)
    {
        var html = new StringBuilder(Table(caption)).Append("<thead><tr>").Append(Th(text.Line, numeric: true)).Append(Th(text.Reason)).Append("</tr></thead><tbody>");
        foreach (var (line, reason) in rows)
        {
            html.Append("<tr><td class=\"n\">").Append(line.ToString(CultureInfo.InvariantCulture)).Append("</td><td>").Append(Encode(reason)).Append("</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>People per zone and language (keys "zone|language").</summary>
    private static string Groups(ConsoleText text, IReadOnlyDictionary<string, int> counts)
    {
        var html = new StringBuilder(Table(text.Sample)).Append("<thead><tr>").Append(Th(text.Zone)).Append(Th(text.Language)).Append(Th(text.Sample, numeric: true)).Append("</tr></thead><tbody>");
        foreach (var (key, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            var parts = key.Split('|');
            html.Append("<tr><td>").Append(Encode(parts[0])).Append("</td><td>").Append(Encode(parts.ElementAtOrDefault(1) ?? string.Empty)).Append("</td>").Append(Td(count)).Append("</tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    // GET /console/waves/{id}/proof/{kind}
    internal static async Task<IResult> ProofAsync(string id, string kind, WaveStore store, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WavesApi.WaveNotFound(id);
        }

        if (!Enum.TryParse<LetterKind>(kind, ignoreCase: true, out var letterKind) || !string.Equals(kind, kind.ToLowerInvariant(), StringComparison.Ordinal) || !Enum.IsDefined(letterKind))
        {
            return TypedResults.Problem(title: "No such letter", detail: "A proof is of an 'invitation' or a 'reminder'.", statusCode: StatusCodes.Status404NotFound);
        }

        return TypedResults.File(ProofLetters.Render(wave.Definition, letterKind, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime)), "application/pdf");
    }

    private static IResult NewWaveForm(HttpRequest request, string language, IFormCollection? posted, Dictionary<string, string[]> errors, string json, string? jsonError, int status)
    {
        var text = ConsoleText.For(language);
        string Value(string name) => posted?[name].FirstOrDefault() ?? string.Empty;
        var html = new StringBuilder("<h1>").Append(Encode(text.NewWave)).Append("</h1>").Append(Nav(text, language, request));
        if (errors.Count > 0)
        {
            html.Append("<div class=\"summary\" role=\"alert\"><h2>").Append(Encode(text.ErrorSummary)).Append("</h2><ul>");
            foreach (var field in DefinitionForm.Fields.Where(errors.ContainsKey))
            {
                html.Append("<li><a href=\"#").Append(Id(field)).Append("\">").Append(Encode(errors[field][0])).Append("</a></li>");
            }

            html.Append("</ul></div>");
        }

        html.Append("<form method=\"post\" action=\"/console/waves\">").Append(Hidden(request, language))
            .Append(Field("id", text.Id, "text", Value("id"), ErrorOf(errors, "id")))
            .Append(Field("title", text.Title, "text", Value("title"), ErrorOf(errors, "title")));
        var chosen = posted?["languages"].OfType<string>().ToHashSet(StringComparer.Ordinal) ?? ["nl", "fr"];
        html.Append("<fieldset class=\"q").Append(errors.ContainsKey("languages") ? " invalid" : string.Empty).Append("\" id=\"languages\"><legend>").Append(Encode(text.LanguagesLabel)).Append("</legend>")
            .Append(ErrorLine("languages", ErrorOf(errors, "languages")));
        foreach (var code in ShellText.Languages)
        {
            html.Append("<label class=\"opt\"><input type=\"checkbox\" name=\"languages\" value=\"").Append(code).Append('"').Append(chosen.Contains(code) ? " checked" : string.Empty).Append("> ")
                .Append(Encode(ShellText.For(code).LanguageName)).Append("</label>");
        }

        html.Append("</fieldset><div class=\"q").Append(errors.ContainsKey("questionnaireVersion") ? " invalid" : string.Empty).Append("\"><label for=\"questionnaireVersion\">").Append(Encode(text.QuestionnaireVersion)).Append("</label>")
            .Append(ErrorLine("questionnaireVersion", ErrorOf(errors, "questionnaireVersion"))).Append("<select id=\"questionnaireVersion\" name=\"questionnaireVersion\">");
        foreach (var version in DefinitionForm.Versions)
        {
            html.Append("<option").Append(version == Value("questionnaireVersion") ? " selected" : string.Empty).Append('>').Append(Encode(version)).Append("</option>");
        }

        html.Append("</select></div>")
            .Append(Field("surveyBaseUrl", text.SurveyAddress, "text", Value("surveyBaseUrl"), ErrorOf(errors, "surveyBaseUrl"), hint: text.SurveyAddressHint))
            .Append(Field("invitationDate", text.InvitationDate, "text", Value("invitationDate"), ErrorOf(errors, "invitationDate")))
            .Append(Field("reminderDelayDays", text.ReminderDelay, "text", posted is null ? "21" : Value("reminderDelayDays"), ErrorOf(errors, "reminderDelayDays")))
            .Append(Field("closeDate", $"{text.CloseDate} {text.Optional}", "text", Value("closeDate"), ErrorOf(errors, "closeDate")))
            .Append(Field("retentionDays", text.Retention, "text", posted is null ? "0" : Value("retentionDays"), ErrorOf(errors, "retentionDays")))
            .Append(Field("contact.phone", text.Phone, "text", Value("contact.phone"), ErrorOf(errors, "contact.phone")))
            .Append(Field("contact.email", text.Email, "text", Value("contact.email"), ErrorOf(errors, "contact.email")))
            .Append(Field("areas", text.Areas, "textarea", posted is null ? "zone;zone_name;municipality;neighbourhood\n" : Value("areas"), ErrorOf(errors, "areas"), hint: text.AreasHint))
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(text.Create)).Append("</button></div></form>");

        html.Append("<h2>").Append(Encode(text.OrPasteJson)).Append("</h2><form method=\"post\" action=\"/console/waves\">").Append(Hidden(request, language))
            .Append(Field("definition", text.Definition, "textarea", json, jsonError, hint: text.DefinitionHint, alert: true, required: true))
            .Append("<div class=\"actions\"><button type=\"submit\">").Append(Encode(text.Create)).Append(" (JSON)</button></div></form>");
        return Page(language, text.NewWave, html, l => $"/console/new?lang={l}", status);
    }

    private static string? ErrorOf(Dictionary<string, string[]> errors, string field) =>
        errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    internal static string Id(string field) => field.Replace('.', '-');

    /// <summary>The hidden fields of every console form: its language and the session's anti-forgery token.</summary>
    internal static string Hidden(HttpRequest request, string language) =>
        $"<input type=\"hidden\" name=\"lang\" value=\"{Encode(language)}\"><input type=\"hidden\" name=\"{KeyFilter.FormTokenField}\" value=\"{Encode(KeyFilter.FormTokenOf(request.HttpContext))}\">";

    /// <summary>The console's navigation: the pages of every wave only for an operator of every wave (one of some waves gets 403 there).</summary>
    internal static string Nav(ConsoleText text, string language, HttpRequest request) =>
        $"<nav class=\"console\" aria-label=\"{Encode(text.Console)}\"><ul><li><a href=\"/console?lang={language}\">{Encode(text.Waves)}</a></li>"
        + (AccessScope.Of(request.HttpContext).Waves is not null ? string.Empty
            : $"<li><a href=\"/console/new?lang={language}\">{Encode(text.NewWave)}</a></li><li><a href=\"/console/operations?lang={language}\">{Encode(text.Operations)}</a></li><li><a href=\"/console/audit/log?lang={language}\">{Encode(text.SignIns)}</a></li>")
        + "</ul></nav>";

    internal static string Language(string? asked, HttpRequest request) => ShellText.Pick(asked, request, ConsoleText.Languages);

    internal static string WavePath(string id, string language) => $"/console/waves/{Uri.EscapeDataString(id)}?lang={language}";

    internal static IResult NotFound(HttpRequest request, string language, string id)
    {
        var text = ConsoleText.For(language);
        return Page(language, text.Problem, new StringBuilder($"<h1>{Encode(text.Problem)}</h1>{Nav(text, language, request)}<p>{Encode(WavesApi.WaveNotFound(id).ProblemDetails.Detail)}</p>"), _ => null, StatusCodes.Status404NotFound);
    }

    internal static IResult Page(string language, string title, StringBuilder body, Func<string, string?> link, int status) =>
        Html(language, title, body.ToString(), l => ConsoleText.Languages.Contains(l) ? link(l) : null, status, Style);

    private static bool Succeeded(IResult result) => result is IStatusCodeHttpResult { StatusCode: < 400 };

    private static int Status(IResult result) => result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status400BadRequest;

    /// <summary>The API's own message of a refused request: its detail, or each field's errors.</summary>
    private static string Messages(IResult result) => result switch
    {
        ValidationProblem v => string.Join(" ", v.ProblemDetails.Errors.SelectMany(e => e.Value.Select(m => e.Key is "" or "body" ? m : $"{e.Key}: {m}"))),
        ProblemHttpResult p => p.ProblemDetails.Detail ?? p.ProblemDetails.Title ?? string.Empty,
        _ => string.Empty,
    };

    /// <summary>
    /// The responses per day as bars (an SVG image named by its totals), followed by the same figures as a table for
    /// those who do not see the chart.
    /// </summary>
    private static string PerDay(ConsoleText text, IReadOnlyDictionary<DateOnly, int> perDay)
    {
        if (perDay.Count == 0)
        {
            return string.Empty;
        }

        var days = perDay.OrderBy(d => d.Key).ToList();
        var (width, height, max) = (Math.Max(120, days.Count * 14), 120, Math.Max(1, days.Max(d => d.Value)));
        var html = new StringBuilder("<h2>").Append(Encode(text.ResponsesPerDay)).Append("</h2>")
            .Append("<svg class=\"perday\" role=\"img\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height)
            .Append("\" aria-label=\"").Append(Encode(string.Format(CultureInfo.InvariantCulture, text.ResponsesPerDaySummary, days.Sum(d => d.Value), days.Count, days.Max(d => d.Value)))).Append("\">");
        for (var i = 0; i < days.Count; i++)
        {
            var bar = Math.Max(1, (int)Math.Round(100.0 * days[i].Value / max));
            html.Append("<rect x=\"").Append(i * 14).Append("\" y=\"").Append(110 - bar).Append("\" width=\"10\" height=\"").Append(bar).Append("\" fill=\"#1d3a5f\"></rect>");
        }

        html.Append("</svg>").Append(Table(text.ResponsesPerDay)).Append("<thead><tr>").Append(Th(text.When)).Append(Th(text.Responded, numeric: true)).Append("</tr></thead><tbody>");
        foreach (var (day, count) in days)
        {
            html.Append("<tr><td>").Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td>").Append(Td(count)).Append("</tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    /// <summary>A table in a region that scrolls sideways on a narrow screen, and that a keyboard can reach to scroll it.</summary>
    internal static string Table(string caption) =>
        $"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-label=\"{Encode(caption)}\"><table><caption>{Encode(caption)}</caption>";

    internal static string Th(string label, bool numeric = false) => $"<th scope=\"col\"{(numeric ? " class=\"n\"" : string.Empty)}>{Encode(label)}</th>";

    internal static string Td(int value) => $"<td class=\"n\">{value.ToString("N0", CultureInfo.InvariantCulture)}</td>";

    internal static string Td(string value) => $"<td class=\"n\">{Encode(value)}</td>";

    private static string Rate(int responded, int invited) => invited == 0 ? "–" : (100.0 * responded / invited).ToString("0.0", CultureInfo.InvariantCulture) + " %";
}
