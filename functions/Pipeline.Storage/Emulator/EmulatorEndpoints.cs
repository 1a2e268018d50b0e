namespace Pipeline.Storage.Emulator;

/// <summary>
/// Recognises a connection string that points at a local emulator: <c>UseDevelopmentStorage=true</c>
/// (ports 10000-10002), or the development account on loopback endpoints.
/// </summary>
public static class EmulatorEndpoints
{
    public const string DevelopmentAccount = "devstoreaccount1";

    /// <summary>The emulator's three ports, or null when the connection string names a real account.</summary>
    public static (int Blob, int Queue, int Table)? TryParse(string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return null;
        }

        var parts = connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && bool.TryParse(dev, out var isDev) && isDev)
        {
            return (10000, 10001, 10002);
        }

        if (!parts.TryGetValue("AccountName", out var account) || account != DevelopmentAccount)
        {
            return null;
        }

        var blob = LoopbackPort(parts.GetValueOrDefault("BlobEndpoint"));
        var queue = LoopbackPort(parts.GetValueOrDefault("QueueEndpoint"));
        var table = LoopbackPort(parts.GetValueOrDefault("TableEndpoint"));
        return blob is null || queue is null || table is null ? null : (blob.Value, queue.Value, table.Value);
    }

    private static int? LoopbackPort(string? endpoint) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.IsLoopback ? uri.Port : null;
}
