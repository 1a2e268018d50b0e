using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Azure.Functions.Worker;
using Pipeline.Functions.Platform;

namespace Pipeline.InProcess;

/// <summary>
/// Runs this app's functions without the Functions host (Core Tools): each HTTP function is mapped at its trigger's
/// route, methods and the route prefix of <c>host.json</c>; its method is called with the request and, for
/// <c>[DurableClient]</c>, the local task hub's client; the <see cref="IResult"/> it returns is executed, as the
/// worker's ASP.NET Core integration does. Timer and queue functions run in <see cref="LocalTriggers"/>.
/// Orchestrations and activities run in <see cref="LocalTaskHub"/>.
/// </summary>
internal static partial class LocalRunner
{
    public static WebApplication MapFunctions(this WebApplication app)
    {
        app.UseRouting();
        app.Use(NoMethodIsNotFound);
        var prefix = app.Configuration["AzureFunctionsJobHost:extensions:http:routePrefix"] ?? "api";
        foreach (var function in FunctionCatalog.Of<HttpTriggerAttribute>())
        {
            var trigger = function.TriggerAs<HttpTriggerAttribute>();
            if (trigger.AuthLevel != AuthorizationLevel.Anonymous)
            {
                // Keys and roles are the app's own (KeyFilter); a Functions key would be a second, role-less gate.
                throw new InvalidOperationException($"Function '{function.Name}' asks for AuthorizationLevel.{trigger.AuthLevel}; this app checks its own keys, so every HTTP function is Anonymous.");
            }

            CheckBindable(function);
            var route = RouteOf(prefix, HostRoute(trigger.Route, function.Name));
            RequestDelegate run = http => InvokeHttpAsync(function, http);
            var endpoint = trigger.Methods is { Length: > 0 } methods ? app.MapMethods(route, methods.Select(m => m.ToUpperInvariant()), run) : app.Map(route, run);
            endpoint.WithDisplayName(function.Name);
        }

        return app;
    }

    /// <summary>
    /// The route the Functions host gives a function: a blank route becomes the function's name
    /// (azure-functions-host src/WebJobs.Script/Host/ScriptHost.cs, ValidateHttpFunction:
    /// <c>if (string.IsNullOrWhiteSpace(httpTrigger.Route) &amp;&amp; !isProxy) httpTrigger.Route = functionName;</c>).
    /// </summary>
    public static string HostRoute(string? route, string name) => string.IsNullOrWhiteSpace(route) ? name : route;

    /// <summary>
    /// A path that matches a function but not its method is 404 on the Functions host, as if nothing matched: the methods
    /// are a route constraint there (WebScriptHostHttpRoutesManager: <c>new HttpMethodRouteConstraint(httpTrigger.Methods)</c>),
    /// where ASP.NET Core's endpoint routing would answer 405.
    /// </summary>
    private static Task NoMethodIsNotFound(HttpContext http, RequestDelegate next)
    {
        if (http.GetEndpoint() is { } endpoint && endpoint.Metadata.GetMetadata<HttpMethodMetadata>() is null
            && endpoint.DisplayName == MethodNotAllowedEndpoint)
        {
            http.SetEndpoint(null);
        }

        return next(http);
    }

    /// <summary>The display name of the endpoint ASP.NET Core's HttpMethodMatcherPolicy selects for a wrong method.</summary>
    private const string MethodNotAllowedEndpoint = "405 HTTP Method Not Supported";

    /// <summary>The route the host serves a function at: <c>/{routePrefix}/{route}</c>, without empty segments.</summary>
    public static string RouteOf(string prefix, string route) =>
        "/" + string.Join('/', new[] { prefix.Trim('/'), route.Trim('/') }.Where(s => s.Length > 0));

    /// <summary>
    /// Calls <paramref name="function"/>'s method on a new instance of its class (constructor services from
    /// <paramref name="services"/>), with <paramref name="trigger"/> for its trigger parameter; returns what it returned, awaited.
    /// </summary>
    public static async Task<object?> InvokeAsync(FunctionEntry function, IServiceProvider services, object? trigger, CancellationToken cancellationToken)
    {
        var method = function.Method;
        var target = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        var arguments = new object?[function.Parameters.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = function.Parameters[i] switch
            {
                ParameterKind.Trigger => trigger,
                ParameterKind.DurableClient => services.GetRequiredService<HubClient>(),
                ParameterKind.Cancellation => cancellationToken,
                _ => throw new InvalidOperationException($"The local runner cannot bind parameter {i} of function '{function.Name}'."),
            };
        }

        var returned = method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, CultureInfo.InvariantCulture);
        if (returned is not Task task)
        {
            return returned;
        }

        await task;
        return task.GetType().IsGenericType ? task.GetType().GetProperty(nameof(Task<object>.Result))!.GetValue(task) : null;
    }

    /// <summary>Replaces each <c>%name%</c> with that app setting, as the Functions host resolves binding expressions.</summary>
    public static string Resolve(string expression, IConfiguration configuration, string function) =>
        Setting().Replace(expression, m => configuration[m.Groups[1].Value] is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"Function '{function}' names app setting '{m.Groups[1].Value}', which is not set."));

    private static async Task InvokeHttpAsync(FunctionEntry function, HttpContext http)
    {
        switch (await InvokeAsync(function, http.RequestServices, http.Request, http.RequestAborted))
        {
            case IResult result:
                await result.ExecuteAsync(http);
                break;
            case null:
                break;
            case var other:
                throw new InvalidOperationException($"Function '{function.Name}' returned a {other.GetType().Name}; HTTP functions here return an IResult.");
        }
    }

    private static void CheckBindable(FunctionEntry function)
    {
        var unbindable = function.Parameters.ToList().IndexOf(ParameterKind.Unbindable);
        if (unbindable >= 0)
        {
            throw new InvalidOperationException($"The local runner cannot bind parameter '{function.Method.GetParameters()[unbindable].Name}' of function '{function.Name}': it binds the trigger, [DurableClient] and the CancellationToken.");
        }
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex Setting();
}
