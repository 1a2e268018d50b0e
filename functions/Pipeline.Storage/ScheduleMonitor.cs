using System.Text.Json;

namespace Pipeline.Storage;

/// <summary>The occurrence of a timer this host claimed and must run, if any, and when the next one is.</summary>
public sealed record TimerClaim(DateTime? Occurrence, DateTime Next);

/// <summary>
/// The schedule monitor of the local hosts' timers, with the Functions timer trigger's rules (azure-webjobs-sdk-extensions
/// <c>Timers/Scheduling/ScheduleMonitor.cs</c> and <c>StorageScheduleMonitor.cs</c>, <c>Timers/Listener/TimerListener.cs</c>):
/// <list type="bullet">
/// <item>a status blob per timer, <c>azure-webjobs-hosts/timers/{hostId}/{function}/status</c>, with the last and next
/// occurrences;</item>
/// <item>no status yet: it is written with the next occurrence from now, and nothing runs at start-up
/// (<c>RunOnStartup</c> is false by default);</item>
/// <item>the recorded next occurrence has passed: it runs at once, once however many were missed (past due when that is
/// found at start-up, as <c>TimerListener.StartAsync</c> checks);</item>
/// <item>the schedule changed to something sooner: the next occurrence is taken from now.</item>
/// </list>
/// Where Functions runs a timer on one host only (a singleton lease), the status blob's ETag decides here: of hosts that
/// reach one occurrence, only the one whose write wins runs it.
/// </summary>
public sealed class ScheduleMonitor(IBlobStore blobs, TimeProvider time)
{
    public const string Container = "azure-webjobs-hosts";

    /// <summary>The host id in the status path; the local hosts' own, so they never share state with a deployed app.</summary>
    public const string HostId = "pipeline-local";

    public static string StatusBlob(string function) => $"timers/{HostId}/{function}/status";

    /// <summary>
    /// Claims the occurrence of <paramref name="function"/> that is due now, if any; says when the next one is.
    /// <paramref name="nextOccurrence"/> is the schedule: the first occurrence after a UTC time.
    /// </summary>
    public async Task<TimerClaim> ClaimAsync(string function, Func<DateTime, DateTime> nextOccurrence, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var upcoming = nextOccurrence(now);
        BlobContent current;
        try
        {
            current = await blobs.GetAsync(Container, StatusBlob(function), cancellationToken);
        }
        catch (NotFoundException)
        {
            await TryWriteAsync(function, new Status(default, upcoming, now), BlobCondition.IfNotExists, cancellationToken);
            return new TimerClaim(null, upcoming);
        }

        var status = JsonSerializer.Deserialize<Status>(current.Content.Span, Json)!;
        if (status.Next > now)
        {
            // A schedule changed to something sooner counts from now (ScheduleMonitor: the recorded next is recalculated).
            return new TimerClaim(null, status.Next < upcoming ? status.Next : upcoming);
        }

        var claimed = await TryWriteAsync(function, new Status(status.Next, upcoming, now), BlobCondition.IfMatch(current.ETag), cancellationToken);
        return new TimerClaim(claimed ? status.Next : null, upcoming);
    }

    private async Task<bool> TryWriteAsync(string function, Status status, BlobCondition condition, CancellationToken cancellationToken)
    {
        try
        {
            await blobs.PutAsync(Container, StatusBlob(function), JsonSerializer.SerializeToUtf8Bytes(status, Json), condition, cancellationToken);
            return true;
        }
        catch (Exception e) when (e is ConflictException or PreconditionFailedException)
        {
            return false; // another host wrote first: its claim stands
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    /// <summary>The status the Functions host keeps (<c>ScheduleStatus</c>: Last, Next, LastUpdated), in UTC.</summary>
    private sealed record Status(DateTime Last, DateTime Next, DateTime LastUpdated);
}
