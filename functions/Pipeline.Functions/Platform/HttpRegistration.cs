using System.Net;
using System.Text.Json.Serialization;

namespace Pipeline.Functions.Platform;

internal static class HttpRegistration
{
    /// <summary>ProblemDetails for every error, JSON with enums as names, and which proxy may name the client.</summary>
    public static IHostApplicationBuilder AddPipelineHttp(this IHostApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<Http.StorageFaults>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        // Which peer may name the client in X-Forwarded-For: exactly one hop, the Functions host on loopback. With both
        // lists empty ASP.NET Core believes the header from anyone (ForwardedHeadersMiddleware checks known addresses only
        // when a list has one), so they never are. The worker's ASP.NET Core integration runs UseForwardedHeaders itself
        // (Worker.Extensions.Http.AspNetCore FunctionsHostBuilderExtensions), and the host's proxy *sets* X-Forwarded-For
        // to the address it was called from (DefaultHttpProxyService with YARP's HttpTransformer.Default:
        // AddXForwarded(ForwardedTransformActions.Set)), replacing whatever the caller sent.
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            o.ForwardLimit = 1;
            o.KnownProxies.Add(IPAddress.Loopback);
            o.KnownProxies.Add(IPAddress.IPv6Loopback);
        });
        return builder;
    }
}
