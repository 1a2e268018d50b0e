using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Storage;

namespace Pipeline.Functions.Security;

/// <summary>
/// Records in the audit trail (partition <c>-</c>) when someone's role or scope is new or changed: a key given another role
/// or other areas in the configuration, a user given another app role or group in Entra ID. The last role seen of each
/// key or user is kept in table <c>AccessRoles</c> (row = SHA-256 of who, so a name is never a key); each instance of the
/// app reads it once per identity and role, so a request costs a dictionary lookup. The entry is written before the row, so
/// a crash between them records a change twice rather than never; two instances noticing one change at once may both
/// record it, and the one whose insert or ETag replace loses leaves the row to the other.
/// </summary>
internal sealed class RoleChanges(ITableStore tables, AuditTrail audit)
{
    public const string Table = "AccessRoles";

    private readonly ConcurrentDictionary<string, string> _seen = new(StringComparer.Ordinal);

    /// <summary>What <paramref name="key"/> is, as the trail and the table say it: its role and what it sees.</summary>
    public static string Describe(KeyEntry key) => $"role={key.Role} sees {key.Scope.Describe()}";

    /// <summary>Records "role given" or "role changed" when <paramref name="key"/>'s role or scope differs from the last seen.</summary>
    public async Task NoteAsync(KeyEntry key, CancellationToken cancellationToken)
    {
        var now = Describe(key);
        if (_seen.TryGetValue(key.Name, out var known) && known == now)
        {
            return;
        }

        var rowKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key.Name)));
        var row = new TableRow("who", rowKey, new Dictionary<string, object> { ["Role"] = now });
        try
        {
            if (await tables.TryGetAsync(Table, "who", rowKey, cancellationToken) is not { } last)
            {
                await audit.RecordAsync(key.Name, "role given", null, "done", now, cancellationToken);
                await tables.InsertAsync(Table, row, cancellationToken);
            }
            else if (last.GetString("Role") is { } before && before != now)
            {
                await audit.RecordAsync(key.Name, "role changed", null, "done", $"from {before} to {now}", cancellationToken);
                await tables.ReplaceAsync(Table, row, last.ETag!, cancellationToken);
            }
        }
        catch (Exception e) when (e is ConflictException or PreconditionFailedException)
        {
            // Another instance recorded this change first.
        }

        _seen[key.Name] = now;
    }
}
