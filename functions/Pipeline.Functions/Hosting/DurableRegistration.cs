using Pipeline.Functions.Durable;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Hosting;

internal static class DurableRegistration
{
    /// <summary>The task hub (settings from <c>host.json</c>, <c>extensions.durableTask</c>), and the operator keys.</summary>
    public static WebApplicationBuilder AddPipelineDurable(this WebApplicationBuilder builder)
    {
        // The wave's orchestrators and activities register here as they arrive.
        builder.Services.AddTaskHub(_ => { });
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AnalystOptions>().BindConfiguration(AnalystOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<FailedKeys>();
        return builder;
    }
}
