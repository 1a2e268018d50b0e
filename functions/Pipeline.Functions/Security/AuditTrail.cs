using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Storage;

namespace Pipeline.Functions.Security;

/// <summary>
/// One entry of the audit trail: who did what, when, to which wave (and area), with what result. It never holds a citizen's
/// personal data: no name, address, token or answer (<see cref="Detail"/> names counts, batches or a form's number, not its
/// content); who is staff (a key's name, an Entra user's user name, a keyer's typed name), on purpose.
/// </summary>
internal sealed record AuditEntry(DateTimeOffset At, string Who, string Action, string? Wave, string Result, string? Detail = null);

/// <summary>
/// The audit trail: table <c>AuditTrail</c>, partition = the wave (<c>-</c> for none), row key = newest first. Append only:
/// entries are inserted, never replaced or deleted, and the purge of a wave leaves them.
/// </summary>
internal sealed class AuditTrail(ITableStore tables, TimeProvider time)
{
    public const string Table = "AuditTrail";

    /// <summary>The longest detail kept.</summary>
    public const int MaxDetail = 1000;

    /// <summary>The request's item that names who is calling (<see cref="KeyRing.Caller"/>), set by <see cref="KeyFilter"/>.</summary>
    public const string CallerItem = "pipeline.caller";

    /// <summary>The request's item that names its wave where the route does not (a wave just created).</summary>
    public const string WaveItem = "pipeline.audit-wave";

    /// <summary>The request's item with what its handler adds to the entry's detail (the role a sign-in gave).</summary>
    public const string DetailItem = "pipeline.audit-detail";

    /// <summary>The request's item that says its handler answered nothing worth an entry (an anonymous visit).</summary>
    public const string SkipItem = "pipeline.audit-skip";

    /// <summary>Records no entry for the request (an anonymous visit to a page that only sends the browser on).</summary>
    public static void Skip(HttpContext http) => http.Items[SkipItem] = true;

    /// <summary>Adds <paramref name="detail"/> to the detail of the request's entry.</summary>
    public static void Note(HttpContext http, string detail) => http.Items[DetailItem] = detail;

    /// <summary>Says which wave a request that has none in its route was about (once its id is known to be valid).</summary>
    public static void About(HttpContext http, string waveId) => http.Items[WaveItem] = waveId;

    /// <summary>Who is calling: the key or session the request was admitted with, or "no valid key".</summary>
    public static string CallerOf(HttpContext http) => http.Items[CallerItem] as string ?? "no valid key";

    /// <summary>
    /// Records an entry. A <paramref name="wave"/> that is no wave id (a path a client made up) goes to partition <c>-</c>,
    /// named in the detail; the detail is cut at <see cref="MaxDetail"/> characters.
    /// </summary>
    public async Task<AuditEntry> RecordAsync(string who, string action, string? wave, string result, string? detail, CancellationToken cancellationToken)
    {
        if (wave is not null && !Pipeline.Survey.Waves.WaveValidator.IsId(wave))
        {
            detail = $"id={(wave.Length > 100 ? wave[..100] : wave)} {detail}".TrimEnd();
            wave = null;
        }

        detail = detail is { Length: > MaxDetail } ? detail[..MaxDetail] : detail;
        var entry = new AuditEntry(time.GetUtcNow(), who, action, wave, result, detail);
        var row = new TableRow(
            wave ?? "-",
            (DateTimeOffset.MaxValue.UtcTicks - entry.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            new Dictionary<string, object> { ["At"] = entry.At, ["Who"] = who, ["Action"] = action, ["Result"] = result, ["Detail"] = detail ?? string.Empty });
        // Insert: an entry with the same key (the same tick and 32 random bits) would fail, not overwrite.
        await tables.InsertAsync(Table, row, cancellationToken);
        return entry;
    }

    /// <summary>The entries of <paramref name="wave"/> (of <paramref name="action"/> only, filtered by the table service), newest first.</summary>
    public async IAsyncEnumerable<AuditEntry> OfWaveAsync(string wave, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken, string? action = null)
    {
        var query = TableQuery.InPartition(wave);
        await foreach (var row in tables.QueryAllAsync(Table, action is null ? query : query.Where("Action", TableComparison.Equal, action), cancellationToken))
        {
            yield return new AuditEntry(
                row.Get<DateTimeOffset>("At"),
                row.GetString("Who") ?? string.Empty,
                row.GetString("Action") ?? string.Empty,
                wave == "-" ? null : wave,
                row.GetString("Result") ?? string.Empty,
                row.GetString("Detail") is { Length: > 0 } detail ? detail : null);
        }
    }
}

/// <summary>
/// Records an HTTP function's request in the audit trail once it was answered: who (the key or session admitted by
/// <see cref="KeyFilter"/>, else "no valid key"), <paramref name="action"/>, the wave (route value <c>id</c>), the result
/// (its status), and the other route values (a letter file's name, an event, a console action) with what the handler noted
/// (<see cref="AuditTrail.Note"/>); never the query or body.
/// Place it first among the guards, so that refusals are recorded too.
/// </summary>
internal sealed class AuditFilter(string action) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var http = context.HttpContext;
        if (http.Items.ContainsKey(AuditTrail.SkipItem))
        {
            return result;
        }

        var status = result switch
        {
            IStatusCodeHttpResult { StatusCode: { } code } => code,
            Microsoft.AspNetCore.Http.HttpResults.RedirectHttpResult => StatusCodes.Status302Found,
            _ => StatusCodes.Status200OK,
        };
        var values = http.Request.RouteValues;
        var detail = string.Join(' ', values.Where(v => v.Key != "id" && v.Value is string { Length: > 0 }).Select(v => $"{v.Key}={v.Value}")
            .Append(http.Items[AuditTrail.DetailItem] as string ?? string.Empty).Where(d => d.Length > 0));
        await http.RequestServices.GetRequiredService<AuditTrail>().RecordAsync(
            AuditTrail.CallerOf(http), action, values.GetValueOrDefault("id") as string ?? http.Items[AuditTrail.WaveItem] as string, (status < 400 ? "done " : "refused ") + status, detail.Length > 0 ? detail : null, CancellationToken.None);
        return result;
    }
}
