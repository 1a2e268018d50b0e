using Pipeline.Functions.Security;

namespace Pipeline.Functions.Hosting;

internal static class DurableRegistration
{
    /// <summary>
    /// The request's <c>[DurableClient]</c>; with <paramref name="local"/>, the local task hub (settings from <c>host.json</c>,
    /// <c>extensions.durableTask</c>) that runs the wave's orchestrator and activities; and the operator and analyst keys.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineDurable(this IHostApplicationBuilder builder, bool local)
    {
        DurableClientSlot.AddDurableClientSlot(builder.Services);
        if (local)
        {
            builder.Services.AddWaveTaskHub();
        }

        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AnalystOptions>().BindConfiguration(AnalystOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<FailedKeys>();
        return builder;
    }
}
