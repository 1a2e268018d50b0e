using Pipeline.LocalHost;
using Pipeline.Storage.Emulator;

// The local Functions host (development only): runs the built Functions app as Azure runs it, an isolated worker
// process behind a host that speaks the Functions RPC protocol. Settings: local.settings.json (or the sample) at the
// checkout's root, then environment variables, then --Key=value arguments; all go to the worker as app settings.
var root = RepositoryRoot.Find(AppContext.BaseDirectory) ?? throw new InvalidOperationException("Run the local host inside the checkout.");
var settings = LocalSettings.Load(root, args);
var appDirectory = settings.GetValueOrDefault("LocalHost:AppDirectory") ?? LocalSettings.BuiltApp(root);
var urls = settings.GetValueOrDefault("urls") ?? "http://localhost:" + (settings.GetValueOrDefault("Host:LocalHttpPort") ?? "7071");
await using var host = await LocalFunctionsHost.StartAsync(appDirectory, settings, urls);
Console.WriteLine($"Functions host: {host.Functions.Count} functions of {appDirectory} on {host.Address}");
var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
