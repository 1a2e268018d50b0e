using System.Text.Json;
using Microsoft.Azure.Functions.Worker.Grpc.Messages;
using Pipeline.LocalHost.Rpc;
using Yarp.ReverseProxy.Forwarder;

namespace Pipeline.LocalHost;

/// <summary>
/// HTTP as the Functions host serves it for an isolated worker with the ASP.NET Core integration, each rule from its source:
/// <list type="bullet">
/// <item>a function's route is <c>routePrefix/route</c>, a blank route being the function's name
/// (src/WebJobs.Script/Host/ScriptHost.cs ValidateHttpFunction; azure-webjobs-sdk-extensions WebJobsRouteBuilder);
/// a route starting with <c>admin</c> or <c>runtime</c> is refused (ValidateHttpFunction);</item>
/// <item>the methods are a route constraint, so a wrong method is no match: 404 (WebScriptHostHttpRoutesManager,
/// HttpMethodRouteConstraint);</item>
/// <item>a matched request is forwarded to the worker's <c>HttpUri</c> with <c>x-ms-invocation-id</c> by YARP's forwarder
/// with its default transforms (X-Forwarded-* set, not appended), while the invocation request goes to the worker;
/// the caller gets the forwarded response (src/WebJobs.Script.Grpc/Server/DefaultHttpProxyService.cs,
/// GrpcWorkerChannel.SendInvocationRequest);</item>
/// <item>the body limit is 100 MB (ScriptConstants.DefaultMaxRequestBodySize, set on Kestrel).</item>
/// </list>
/// </summary>
internal static class HttpFrontEnd
{
    public const long MaxRequestBodySize = 104_857_600;

    private static readonly HttpMessageInvoker Worker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
    });

    private static readonly ForwarderRequestConfig Forwarding = new() { ActivityTimeout = TimeSpan.FromSeconds(240) };

    /// <summary>The route the host serves an HTTP function at, without a leading '/'.</summary>
    public static string RouteOf(string routePrefix, WorkerFunction function)
    {
        var route = function.Trigger.TryGetProperty("route", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        route = string.IsNullOrWhiteSpace(route) ? function.Name : route;
        var reserved = route.Trim('/').ToLowerInvariant();
        if (reserved.StartsWith("admin", StringComparison.Ordinal) || reserved.StartsWith("runtime", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Function '{function.Name}': the specified route conflicts with one or more built in routes.");
        }

        return (string.IsNullOrEmpty(routePrefix) ? route : routePrefix + "/" + route).TrimStart('/');
    }

    public static void Map(WebApplication app, IEnumerable<WorkerFunction> functions, string routePrefix, WorkerHost worker)
    {
        app.UseRouting();
        app.Use(NoMethodIsNotFound);
        foreach (var function in functions.Where(f => f.TriggerType.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase)))
        {
            var methods = function.Trigger.TryGetProperty("methods", out var m) && m.ValueKind == JsonValueKind.Array
                ? m.EnumerateArray().Select(x => x.GetString()!.ToUpperInvariant()).ToArray()
                : [];
            RequestDelegate forward = http => ForwardAsync(http, function, worker);
            var endpoint = methods.Length > 0 ? app.MapMethods("/" + RouteOf(routePrefix, function), methods, forward) : app.Map("/" + RouteOf(routePrefix, function), forward);
            endpoint.WithDisplayName(function.Name);
        }
    }

    private static async Task ForwardAsync(HttpContext http, WorkerFunction function, WorkerHost worker)
    {
        var channel = worker.Channel;
        await channel.Ready.WaitAsync(TimeSpan.FromMinutes(1), http.RequestAborted);
        // With HTTP proxying the trigger's data is an empty RpcHttp (GrpcMessageConversionExtensions.ToRpcHttp: EmptyRpcHttp).
        var request = worker.Request(function, new TypedData { Http = new RpcHttp() });
        http.Request.Headers["x-ms-invocation-id"] = request.InvocationId;
        foreach (var (key, value) in http.Request.RouteValues)
        {
            request.TriggerMetadata[key] = new TypedData { String = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty };
        }

        var invocation = channel.InvokeAsync(request, http.RequestAborted);
        var forwarder = http.RequestServices.GetRequiredService<IHttpForwarder>();
        var error = await forwarder.SendAsync(http, channel.HttpUri!.ToString(), Worker, Forwarding, HttpTransformer.Default);
        try
        {
            await invocation.WaitAsync(TimeSpan.FromMinutes(5), http.RequestAborted);
        }
        catch (Exception) when (http.Response.HasStarted)
        {
            // The caller has its answer; the invocation's outcome is the worker's log.
        }

        if (error != ForwarderError.None && !http.Response.HasStarted)
        {
            // DefaultHttpProxyService.EnsureSuccessfulForwardingAsync throws; the host's exception middleware answers 500.
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    /// <summary>ASP.NET Core's endpoint routing answers 405 for a wrong method; on the host the route does not match: 404.</summary>
    private static Task NoMethodIsNotFound(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint() is { DisplayName: "405 HTTP Method Not Supported" })
        {
            http.SetEndpoint(null);
        }

        return next(http);
    }
}
