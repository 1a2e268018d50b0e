using Pipeline.Functions.Durable;
using Pipeline.Functions.Activities;
using Pipeline.Functions.Orchestrations;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Hosting;

internal static class WaveRegistration
{
    /// <summary>Survey waves: their store, the token secrets (<c>Waves:*</c>), the orchestrator and its activities.</summary>
    public static WebApplicationBuilder AddPipelineWaves(this WebApplicationBuilder builder)
    {
        builder.Services.AddWaves();
        builder.Services.AddOptions<DemoOptions>().BindConfiguration(DemoOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        if (builder.Configuration.GetValue<bool>("Demo:Enabled"))
        {
            builder.Services.AddHostedService<DemoWave>();
        }

        return builder;
    }

    /// <summary>The same, for any host (the benchmarks use it without the web host).</summary>
    public static IServiceCollection AddWaves(this IServiceCollection services)
    {
        services.AddOptions<WaveOptions>().BindConfiguration(WaveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WaveStore>();
        services.AddSingleton<TokenGuesses>();
        services.AddSingleton<TokenDirectory>();
        services.AddSingleton<InvitationStore>();
        services.AddSingleton<WaveCounts>();
        services.AddSingleton<SampleImport>();
        services.AddSingleton<WaveStarter>();
        services.AddResponses();
        services.AddTaskHub(t => t
            .AddOrchestrator<WaveOrchestrator>()
            .AddActivity<PlanInvitationsActivity>()
            .AddActivity<PlanRemindersActivity>()
            .AddActivity<IssueLettersActivity>()
            .AddActivity<CloseWaveActivity>()
            .AddActivity<CountResponsesActivity>()
            .AddActivity<PurgePersonalDataActivity>());
        return services;
    }
}
