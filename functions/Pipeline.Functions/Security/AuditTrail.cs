using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Storage;

namespace Pipeline.Functions.Security;

/// <summary>
/// One entry of the audit trail: who did what, when, to which wave (and area), with what result. It never holds personal
/// data: no name, address, token or answer (<see cref="Detail"/> names counts, batches or a form's number, not its content).
/// </summary>
internal sealed record AuditEntry(DateTimeOffset At, string Who, string Action, string? Wave, string Result, string? Detail = null);

/// <summary>
/// The audit trail: table <c>AuditTrail</c>, partition = the wave (<c>-</c> for none), row key = newest first. Append only:
/// entries are inserted, never replaced or deleted, and the purge of a wave leaves them.
/// </summary>
internal sealed class AuditTrail(ITableStore tables, TimeProvider time)
{
    public const string Table = "AuditTrail";

    public async Task<AuditEntry> RecordAsync(string who, string action, string? wave, string result, string? detail, CancellationToken cancellationToken)
    {
        var entry = new AuditEntry(time.GetUtcNow(), who, action, wave, result, detail);
        var row = new TableRow(
            wave ?? "-",
            (DateTimeOffset.MaxValue.UtcTicks - entry.At.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)),
            new Dictionary<string, object> { ["At"] = entry.At, ["Who"] = who, ["Action"] = action, ["Result"] = result, ["Detail"] = detail ?? string.Empty });
        // Insert: an entry with the same key (the same tick and 32 random bits) would fail, not overwrite.
        await tables.InsertAsync(Table, row, cancellationToken);
        return entry;
    }

    /// <summary>The entries of <paramref name="wave"/>, newest first.</summary>
    public async IAsyncEnumerable<AuditEntry> OfWaveAsync(string wave, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in tables.QueryAllAsync(Table, TableQuery.InPartition(wave), cancellationToken))
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
