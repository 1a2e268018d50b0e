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

    /// <summary>How long to wait for the three ports once Azurite is installed. Default 60 s.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the first run's <c>npm ci</c> may take, apart from <see cref="StartTimeout"/>. Default 15 min.</summary>
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>The npm command. Default <c>npm</c> from PATH.</summary>
    public string Npm { get; init; } = "npm";

    /// <summary>Told what takes long (the first run's install), for the host's log.</summary>
    public Action<string>? Progress { get; init; }
}
