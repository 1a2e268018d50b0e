using Pipeline.Durable;
using Pipeline.Functions.Security;

namespace Pipeline.Functions.Hosting;

internal static class DurableRegistration
{
    /// <summary>The durable engine on the host's storage (settings under <c>DurableTask:*</c>), and the operator keys.</summary>
    public static WebApplicationBuilder AddPipelineDurable(this WebApplicationBuilder builder)
    {
        // The wave's orchestrators and activities register here as they arrive.
        builder.Services.AddDurableTask(_ => { });
        builder.Services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AnalystOptions>().BindConfiguration(AnalystOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<KeyRing>();
        builder.Services.AddSingleton<FailedKeys>();
        return builder;
    }
}
