using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Platform;
using Pipeline.Storage;

namespace Pipeline.Functions.Http;

/// <summary>
/// The answer of an HTTP function: the feature's handler, with its parameters (route values, query, body, services)
/// bound by ASP.NET Core's minimal-API binder and its guards (keys, rate limits, page headers) run as endpoint filters
/// around it. It is an <see cref="IResult"/>, which both hosts execute on the request's <see cref="HttpContext"/>: the
/// Functions worker (ASP.NET Core integration) and the tests' in-process twin. Binding errors are 400 and storage faults 503,
/// as ProblemDetails, in both; an error that is neither is a bug, logged and answered 500 as ProblemDetails, in both.
/// </summary>
internal sealed class HttpFunction : IResult
{
    private static readonly ConcurrentDictionary<(MethodInfo Handler, IEndpointFilter[] Guards), RequestDelegate> Compiled = new(new CompiledKey());

    private readonly Delegate _handler;
    private readonly IEndpointFilter[] _guards;

    private HttpFunction(Delegate handler, IEndpointFilter[] guards)
    {
        _handler = handler;
        _guards = guards;
    }

    /// <summary>Answers with <paramref name="handler"/> behind <paramref name="guards"/>, in their order.</summary>
    public static IResult Run(Delegate handler, params IEndpointFilter[] guards) => new HttpFunction(handler, guards);

    /// <summary>
    /// The same, for a function that starts or signals orchestrations: its <c>[DurableClient]</c> binding becomes the
    /// request's <see cref="DurableTaskClient"/>, the one the handler asks for.
    /// </summary>
    public static IResult Run(HttpRequest request, DurableTaskClient client, Delegate handler, params IEndpointFilter[] guards)
    {
        request.HttpContext.RequestServices.GetRequiredService<DurableClientSlot>().Client = client;
        return new HttpFunction(handler, guards);
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        // A handler behind a set of guards is compiled once, on its first request (an import job runs an endpoint's handler
        // without the endpoint's guards: another entry).
        var run = Compiled.GetOrAdd((_handler.Method, _guards), static (_, state) => state.Self.Compile(state.Services), (Self: this, Services: httpContext.RequestServices));
        try
        {
            await run(httpContext);
        }
        catch (BadHttpRequestException e) when (!httpContext.Response.HasStarted)
        {
            await TypedResults.Problem(title: "Bad request", detail: e.Message, statusCode: e.StatusCode).ExecuteAsync(httpContext);
        }
        catch (StoreException e) when (!httpContext.Response.HasStarted)
        {
            // StorageFaults decides which faults are the service being unavailable, as it does for the in-process twin's pipeline.
            if (!await httpContext.RequestServices.GetRequiredService<StorageFaults>().TryHandleAsync(httpContext, e, httpContext.RequestAborted))
            {
                await UnexpectedAsync(httpContext, e);
            }
        }
        catch (Exception e) when (!httpContext.Response.HasStarted && e is not OperationCanceledException)
        {
            await UnexpectedAsync(httpContext, e);
        }
    }

    /// <summary>
    /// A bug: logged, and answered as a 500 ProblemDetails that says nothing of it. Here, not in the host's error handling,
    /// so both hosts answer alike: the Functions host turns a failed invocation into a bare 500 of its own.
    /// </summary>
    private static Task UnexpectedAsync(HttpContext httpContext, Exception error)
    {
        // The type and where, not the message: a message may carry what the request sent (a token, a name).
        Log.FunctionFailed(httpContext.RequestServices.GetRequiredService<ILogger<HttpFunction>>(), error.GetType().FullName, error.TargetSite?.DeclaringType?.FullName + "." + error.TargetSite?.Name);
        return TypedResults.Problem(title: "An unexpected error occurred", detail: "Nothing you sent caused it; try again later.", statusCode: StatusCodes.Status500InternalServerError).ExecuteAsync(httpContext);
    }

    private RequestDelegate Compile(IServiceProvider services)
    {
        var endpoint = new FunctionEndpointBuilder(services);
        foreach (var guard in _guards)
        {
            endpoint.FilterFactories.Add((_, next) => invocation => guard.InvokeAsync(invocation, next));
        }

        // No route pattern: a simple parameter binds from the route values, else from the query, as in a Functions route.
        return RequestDelegateFactory.Create(_handler, new RequestDelegateFactoryOptions
        {
            ServiceProvider = services,
            ThrowOnBadRequest = true,
            EndpointBuilder = endpoint,
        }).RequestDelegate;
    }

    /// <summary>The same handler behind the same guards (by reference, in order).</summary>
    private sealed class CompiledKey : IEqualityComparer<(MethodInfo Handler, IEndpointFilter[] Guards)>
    {
        public bool Equals((MethodInfo Handler, IEndpointFilter[] Guards) x, (MethodInfo Handler, IEndpointFilter[] Guards) y) =>
            x.Handler == y.Handler && x.Guards.SequenceEqual(y.Guards, ReferenceEqualityComparer.Instance);

        public int GetHashCode((MethodInfo Handler, IEndpointFilter[] Guards) key) => HashCode.Combine(key.Handler, key.Guards.Length);
    }

    private sealed class FunctionEndpointBuilder : EndpointBuilder
    {
        public FunctionEndpointBuilder(IServiceProvider services)
        {
            ApplicationServices = services;
        }

        public override Endpoint Build() => new(RequestDelegate, new EndpointMetadataCollection(Metadata), DisplayName);
    }
}

/// <summary>The <c>[DurableClient]</c> of the function serving this request (one per request scope).</summary>
internal sealed class DurableClientSlot
{
    public DurableTaskClient? Client { get; set; }

    /// <summary>The request's <see cref="DurableTaskClient"/>: the one its function's <c>[DurableClient]</c> binding gave.</summary>
    public static IServiceCollection AddDurableClientSlot(IServiceCollection services)
    {
        services.AddScoped<DurableClientSlot>();
        services.AddScoped<DurableTaskClient>(sp => sp.GetRequiredService<DurableClientSlot>().Client
            ?? throw new InvalidOperationException("This function has no [DurableClient] binding: its handler cannot reach the task hub."));
        return services;
    }
}

/// <summary>The guards of HTTP functions, as endpoint filters.</summary>
internal static class Guard
{
    /// <summary>An operator's key.</summary>
    public static readonly IEndpointFilter Operator = new Security.KeyFilter(Security.Role.Operator);

    /// <summary>An operator's key, on a list of waves (a key of some waves gets those only).</summary>
    public static readonly IEndpointFilter OperatorList = new Security.KeyFilter(Security.Role.Operator, list: true);

    /// <summary>The console's list of waves: <see cref="OperatorPage"/>, a key of some waves gets those only.</summary>
    public static readonly IEndpointFilter OperatorPageList = new Security.KeyFilter(Security.Role.Operator, signInPage: true, sessionForms: true, list: true);

    /// <summary>An analyst's (or operator's) key.</summary>
    public static readonly IEndpointFilter Analyst = new Security.KeyFilter(Security.Role.Analyst);

    /// <summary>An analyst's key or session; a browser without one is sent to the sign-in page.</summary>
    public static readonly IEndpointFilter AnalystPage = new Security.KeyFilter(Security.Role.Analyst, signInPage: true);

    /// <summary>An operator's key or session, whose forms carry the session's anti-forgery token (the console's pages).</summary>
    public static readonly IEndpointFilter OperatorPage = new Security.KeyFilter(Security.Role.Operator, signInPage: true, sessionForms: true);

    /// <summary>The security headers of an HTML page.</summary>
    public static readonly IEndpointFilter Page = new Filter(PageHtml.SecureHeaders);

    /// <summary>The request in the audit trail as <paramref name="action"/>, once answered (first among the guards: refusals count).</summary>
    public static IEndpointFilter Audited(string action) => new Security.AuditFilter(action);

    /// <summary>A feature's own guard, from its filter method.</summary>
    public static IEndpointFilter Of(Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> filter) => new Filter(filter);

    private sealed class Filter(Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> filter) : IEndpointFilter
    {
        public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) => filter(context, next);
    }
}
