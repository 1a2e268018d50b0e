using Pipeline.Durable;
using Pipeline.Functions.Activities;
using Pipeline.Functions.Orchestrations;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Hosting;

internal static class WaveRegistration
{
    /// <summary>Survey waves: their store, the token secrets (<c>Waves:*</c>), the orchestrator and its activities.</summary>
    public static WebApplicationBuilder AddPipelineWaves(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<WaveOptions>().BindConfiguration(WaveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<WaveStore>();
        builder.Services.AddSingleton<TokenDirectory>();
        builder.Services.AddSingleton<InvitationStore>();
        builder.Services.AddSingleton<SampleImport>();
        builder.Services.AddDurableTask(t => t
            .AddOrchestrator<WaveOrchestrator>()
            .AddActivity<PlanInvitationsActivity>()
            .AddActivity<PlanRemindersActivity>()
            .AddActivity<IssueLettersActivity>()
            .AddActivity<CloseWaveActivity>()
            .AddActivity<PurgePersonalDataActivity>());
        return builder;
    }
}
