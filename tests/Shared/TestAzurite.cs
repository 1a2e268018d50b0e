using Pipeline.Storage.Emulator;

namespace Pipeline.Testing;

/// <summary>
/// One Azurite per test process, on free ports and in memory, isolated from the developer's instance.
/// It is started on first use and killed when the process exits. If it cannot start, the tests that
/// need it fail and say why: they never skip.
/// </summary>
internal static class TestAzurite
{
    private static readonly Lazy<Task<AzuriteProcess>> Instance = new(StartAsync);

    public static Task<AzuriteProcess> GetAsync() => Instance.Value;

    public static async Task<string> ConnectionStringAsync() => (await GetAsync()).ConnectionString;

    private static async Task<AzuriteProcess> StartAsync()
    {
        var root = RepositoryRoot.Find() ?? throw new InvalidOperationException("Tests must run inside the checkout: no Pipeline.sln with package.json above " + AppContext.BaseDirectory);
        var azurite = await AzuriteProcess.StartAsync(new AzuriteOptions
        {
            Root = root,
            BlobPort = AzuriteProcess.FreePort(),
            QueuePort = AzuriteProcess.FreePort(),
            TablePort = AzuriteProcess.FreePort(),
            StartTimeout = TimeSpan.FromMinutes(3),
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => azurite.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return azurite;
    }
}
