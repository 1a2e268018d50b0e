using Pipeline.LocalHost;
using Pipeline.Storage.Emulator;

// The local Functions host (development only; command 1 of the README): runs the built Functions app as Azure runs it, an
// isolated worker process behind a host that speaks the Functions RPC protocol and Durable's out-of-process protocol.
// Settings: local.settings.json (or the sample) at the checkout's root, then environment variables, then --Key=value
// arguments; all go to the worker as app settings. Azurite starts for it when the storage is the emulator and nothing
// listens on its ports.
var root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run the local host inside the checkout.");
var settings = LocalSettings.Load(root, args);
await using var azurite = settings.GetValueOrDefault("Azurite:Embedded") is not "false"
    ? await LocalAzurite.StartIfNeededAsync(settings.GetValueOrDefault("AzureWebJobsStorage"), root, settings.GetValueOrDefault("Azurite:Location") ?? ".azurite", TimeSpan.FromMinutes(15), Console.WriteLine, CancellationToken.None)
    : null;
var appDirectory = settings.GetValueOrDefault("LocalHost:AppDirectory") ?? LocalSettings.BuiltApp(root);
var urls = LocalSettings.Urls(settings);
await using var host = await LocalFunctionsHost.StartAsync(appDirectory, settings, urls, logging => logging
    .SetMinimumLevel(settings.GetValueOrDefault("Logging:LogLevel:Default") is { } level ? Enum.Parse<LogLevel>(level, ignoreCase: true) : LogLevel.Information)
    .AddFilter("Microsoft.AspNetCore", LogLevel.Warning) // a line per gRPC message and forwarded request otherwise
    .AddFilter("Yarp", LogLevel.Warning)
    .AddFilter("DurableTask", LogLevel.Warning));
Console.WriteLine($"Functions host: {host.Functions.Count} functions of {appDirectory} on {host.Address}");
if (DemoWave.Enabled(settings))
{
    // In the background for the host's lifetime: the demo logs the wave's id and what to look at.
    var demo = new DemoWave(host.Address, settings, TimeProvider.System, host.Loggers.CreateLogger<DemoWave>());
    _ = Task.Run(() => demo.RunAsync(CancellationToken.None));
}

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
