namespace Pipeline.Storage.Emulator;

/// <summary>How to start Azurite.</summary>
public sealed record AzuriteOptions
{
    /// <summary>The folder with <c>package.json</c>; Azurite is installed under its <c>node_modules</c>.</summary>
    public required string Root { get; init; }

    public int BlobPort { get; init; } = 10000;

    public int QueuePort { get; init; } = 10001;

    public int TablePort { get; init; } = 10002;

    /// <summary>Where data goes; null keeps it in memory (and then SIGTERM is ignored, so it is killed).</summary>
    public string? Location { get; init; }

    /// <summary>How long to wait for the three ports. Default 60 s, which covers an <c>npm ci</c>.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);
}
