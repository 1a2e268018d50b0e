using System.Net;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.HttpOverrides;

namespace Pipeline.Functions.Hosting;

internal static class HttpRegistration
{
    /// <summary>ProblemDetails for every error, JSON with enums as names, and which proxies may name the client.</summary>
    public static IHostApplicationBuilder AddPipelineHttp(this IHostApplicationBuilder builder, bool local)
    {
        builder.Services.AddProblemDetails();
        // One StorageFaults: the local runner's exception handler, and what HttpFunction asks in either host.
        builder.Services.AddSingleton<Http.StorageFaults>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>(sp => sp.GetRequiredService<Http.StorageFaults>());
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // Which peer may name the client in X-Forwarded-For. With both lists empty ASP.NET Core believes the header from
        // anyone (ForwardedHeadersMiddleware checks known addresses only when a list has one), so they never are.
        // - Under the Functions host (worker mode), exactly one hop: the host on loopback. The worker's ASP.NET Core
        //   integration runs UseForwardedHeaders itself (Worker.Extensions.Http.AspNetCore FunctionsHostBuilderExtensions),
        //   and the host's proxy *sets* X-Forwarded-For to the address it was called from (DefaultHttpProxyService with
        //   YARP's HttpTransformer.Default: AddXForwarded(ForwardedTransformActions.Set)), replacing whatever the caller sent.
        // - The local runner: the proxies named in Http:ForwardedProxies, else none: no forwarded header counts.
        var proxies = builder.Configuration.GetSection("Http:ForwardedProxies").Get<string[]>() ?? [];
        var known = new List<IPAddress>();
        for (var i = 0; i < proxies.Length; i++)
        {
            known.Add(IPAddress.TryParse(proxies[i], out var proxy)
                ? proxy
                : throw new InvalidOperationException($"Http:ForwardedProxies:{i} must be an IP address; it is '{proxies[i]}'."));
        }

        if (!local)
        {
            known = [IPAddress.Loopback, IPAddress.IPv6Loopback];
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            o.ForwardLimit = 1;
            known.ForEach(o.KnownProxies.Add);
            if (local)
            {
                // The worker keeps the headers its integration reads (ForwardedHeaders.All).
                o.ForwardedHeaders = known.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            }
        });
        return builder;
    }
}
