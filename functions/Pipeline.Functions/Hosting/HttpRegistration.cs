using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pipeline.Functions.Hosting;

internal static class HttpRegistration
{
    /// <summary>ProblemDetails for every error, and JSON with enums as names.</summary>
    public static IHostApplicationBuilder AddPipelineHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        // One StorageFaults: the local runner's exception handler, and what HttpFunction asks in either host.
        builder.Services.AddSingleton<Http.StorageFaults>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>(sp => sp.GetRequiredService<Http.StorageFaults>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // X-Forwarded-For counts only from the proxies named in Http:ForwardedProxies: anyone else could name any address
        // and pass every per-client limit (ASP.NET trusts loopback by default; that default is cleared).
        var proxies = builder.Configuration.GetSection("Http:ForwardedProxies").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            for (var i = 0; i < proxies.Length; i++)
            {
                o.KnownProxies.Add(IPAddress.TryParse(proxies[i], out var proxy)
                    ? proxy
                    : throw new InvalidOperationException($"Http:ForwardedProxies:{i} must be an IP address; it is '{proxies[i]}'."));
            }
        });
        return builder;
    }
}
