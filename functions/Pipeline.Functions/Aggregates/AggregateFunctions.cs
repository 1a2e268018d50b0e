using Microsoft.Azure.Functions.Worker;
using Pipeline.Functions.Http;
using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Aggregates;

/// <summary>The analysts' side: aggregates as JSON and CSV, the dashboard and its sign-in, the recompute on response writes, the nightly refresh.</summary>
internal sealed class AggregateFunctions
{
    private readonly AggregateService _aggregates;
    private readonly NightlyRefresh _nightly;

    public AggregateFunctions(AggregateService aggregates, NightlyRefresh nightly)
    {
        _aggregates = aggregates;
        _nightly = nightly;
    }

    [Function("GetAggregates")]
    public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}/aggregates")] HttpRequest request) =>
        HttpFunction.Run(AggregatesApi.AggregatesAsync, Guard.Analyst);

    [Function("Dashboard")]
    public static IResult Dashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{id}")] HttpRequest request) =>
        HttpFunction.Run(Aggregates.Dashboard.OverviewAsync, Guard.AnalystPage, Guard.Page);

    [Function("DashboardZone")]
    public static IResult DashboardZone([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "dashboard/{id}/zones/{zone}")] HttpRequest request) =>
        HttpFunction.Run(Aggregates.Dashboard.ZoneAsync, Guard.AnalystPage, Guard.Page);

    [Function("SignInForm")]
    public static IResult SignInForm([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin")] HttpRequest request) =>
        HttpFunction.Run(SignIn.Show);

    [Function("SignInEntra")]
    public static IResult SignInEntra([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "signin/entra")] HttpRequest request) =>
        HttpFunction.Run(SignIn.PlatformAsync, Guard.Audited("sign-in"));

    [Function("SignIn")]
    public static IResult SignInPost([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "signin")] HttpRequest request) =>
        HttpFunction.Run(SignIn.PostAsync, Guard.Audited("sign-in"));

    /// <summary>
    /// Recomputes the waves whose responses changed: woken by a message on <see cref="RecomputeRequests.Queue"/>
    /// (the message is a wake-up; the request rows are the work, see <see cref="AggregateService"/>).
    /// </summary>
    [Function("RecomputeAggregates")]
    public Task Recompute([QueueTrigger(RecomputeRequests.Queue, Connection = "AzureWebJobsStorage")] string message, CancellationToken cancellationToken) =>
        _aggregates.ProcessRequestsAsync(cancellationToken);

    /// <summary>The nightly refresh (<see cref="AggregateOptions.NightlySchedule"/>).</summary>
    [Function("NightlyRefresh")]
    public Task Nightly([TimerTrigger("%Aggregates:NightlySchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        _nightly.RunIfDueAsync(cancellationToken);
}
