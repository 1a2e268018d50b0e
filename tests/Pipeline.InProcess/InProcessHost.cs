using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Pipeline.Functions.Http;
using Pipeline.Functions.Platform;
using Pipeline.Functions.WaveRun;

namespace Pipeline.InProcess;

/// <summary>
/// The app's services as the worker has them, plus what the Functions host does for it on Azure, all in one process:
/// host.json's settings, HTTP routing (<see cref="LocalRunner"/>), timers and queues (<see cref="LocalTriggers"/>), and
/// a task hub for the wave's orchestrator and activities (<see cref="LocalTaskHub"/>).
/// </summary>
internal static class InProcessHost
{
    public static WebApplicationBuilder AddInProcessHost(this WebApplicationBuilder builder, string root)
    {
        builder.AddFunctionsSettings(root);
        builder.AddPipeline();
        builder.Services.AddWaveTaskHub();
        builder.Services.AddSingleton<Pipeline.Storage.ScheduleMonitor>();
        builder.Services.AddHostedService<LocalTriggers>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Diagnostics.IExceptionHandler>(sp => sp.GetRequiredService<StorageFaults>());

        // No Functions host stands in front: only the proxies named in Http:ForwardedProxies may name the client, else no
        // forwarded header counts (with both lists empty ASP.NET Core would believe the header from anyone).
        var proxies = builder.Configuration.GetSection("Http:ForwardedProxies").Get<string[]>() ?? [];
        var known = new List<IPAddress>();
        for (var i = 0; i < proxies.Length; i++)
        {
            known.Add(IPAddress.TryParse(proxies[i], out var proxy)
                ? proxy
                : throw new InvalidOperationException($"Http:ForwardedProxies:{i} must be an IP address; it is '{proxies[i]}'."));
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.KnownProxies.Clear();
            known.ForEach(o.KnownProxies.Add);
            o.ForwardedHeaders = known.Count == 0 ? ForwardedHeaders.None : ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        return builder;
    }

    /// <summary>The request pipeline: forwarded headers, ProblemDetails for errors and bare status codes, the functions.</summary>
    public static WebApplication UseInProcessHost(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapFunctions();
        return app;
    }

    /// <summary>The local task hub with the wave's orchestrator and activities (the classes <c>WaveRunFunctions</c> runs on Azure).</summary>
    public static IServiceCollection AddWaveTaskHub(this IServiceCollection services) =>
        services.AddTaskHub(t => t
            .AddOrchestrator<WaveOrchestrator>()
            .AddActivity<PlanInvitationsActivity>()
            .AddActivity<PlanRemindersActivity>()
            .AddActivity<IssueLettersActivity>()
            .AddActivity<CloseWaveActivity>()
            .AddActivity<CountResponsesActivity>()
            .AddActivity<PurgePersonalDataActivity>());
}
