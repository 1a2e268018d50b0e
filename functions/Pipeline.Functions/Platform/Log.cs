namespace Pipeline.Functions.Platform;

/// <summary>
/// Every log message of the app, in one table, with an EventId range per part: 1xxx the HTTP functions, 2xxx waves,
/// 3xxx responses, 4xxx aggregates, 5xxx operations. No message carries a token, a name, an address or an answer
/// (docs/security-privacy.md): a wave's id, counts and error types are all they hold.
/// </summary>
internal static partial class Log
{
    // 1xxx: the HTTP functions.
    [LoggerMessage(1001, LogLevel.Error, "An HTTP function failed with {Error} in {Site}; answered 500")]
    public static partial void FunctionFailed(ILogger logger, string? error, string site);

    [LoggerMessage(1002, LogLevel.Warning, "A request met a storage fault (HTTP {Status}); answered 503")]
    public static partial void StorageFault(ILogger logger, int? status);

    // 2xxx: waves.
    [LoggerMessage(2001, LogLevel.Warning, "An import ({Kind}) failed at attempt {Attempt} with {Error}")]
    public static partial void ImportAttemptFailed(ILogger logger, string kind, int attempt, string error);

    [LoggerMessage(2002, LogLevel.Information, "An import ({Kind}) ended with {Status} after {Attempts} attempts")]
    public static partial void ImportDone(ILogger logger, string kind, int status, int attempts);

    [LoggerMessage(2003, LogLevel.Critical, "ALERT: unknown-token answers surge: {Limit} in a minute; token lookups answer 429 until the next minute. Someone may be guessing tokens")]
    public static partial void TokenGuessSurge(ILogger logger, int limit);

    // 3xxx: responses.
    [LoggerMessage(3001, LogLevel.Information, "Released {Count} responses into the response store")]
    public static partial void Released(ILogger logger, int count);

    [LoggerMessage(3002, LogLevel.Error, "A waiting response of wave {WaveId} does not open (truncated, moved from another row, or sealed under a key this host lacks): left waiting, not released; the release goes on")]
    public static partial void WaitingResponseUnopened(ILogger logger, string waveId);

    // 4xxx: aggregates.
    [LoggerMessage(4001, LogLevel.Information, "Recomputed the aggregates of wave {WaveId} from {Responses} responses: {Areas} areas written, {Held} held back for too few new responses")]
    public static partial void Recomputed(ILogger logger, string waveId, int responses, int areas, int held);

    [LoggerMessage(4002, LogLevel.Information, "Nightly refresh of {Waves} waves, due {Due}")]
    public static partial void NightlyRefreshed(ILogger logger, int waves, DateTimeOffset due);

    // 5xxx: operations.
    [LoggerMessage(5001, LogLevel.Warning, "Storage (AzureWebJobsStorage) did not answer, attempt {Attempt}: {Reason}; next attempt in {Seconds} s")]
    public static partial void StorageUnreachable(ILogger logger, int attempt, string reason, double seconds);
}
