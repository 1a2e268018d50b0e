namespace Pipeline.Functions.Hosting;

/// <summary>The folder that holds <c>host.json</c>, <c>local.settings.json</c> and <c>node_modules</c>.</summary>
internal sealed record CheckoutRoot(string Path);
