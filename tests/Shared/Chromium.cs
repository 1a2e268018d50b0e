namespace Pipeline.Testing;

/// <summary>Debian's Chromium for the browser tests, installed by the tests when missing (<see cref="Debian"/>); Playwright's own browser download is never used.</summary>
internal static class Chromium
{
    public const string Path = "/usr/bin/chromium";

    public static Task<string> EnsureAsync() => Debian.EnsureAsync("chromium", Path);

    /// <summary>The launch flags for headless Chromium on a closed network, as root.</summary>
    public static readonly IReadOnlyList<string> Arguments =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
}
