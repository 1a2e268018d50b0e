using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Aggregates;

internal static class AggregateRegistration
{
    /// <summary>The aggregates (<c>Aggregates:*</c>): the response segments (also the waves' response counts), the recompute and the nightly refresh.</summary>
    public static IServiceCollection AddAggregates(this IServiceCollection services)
    {
        services.AddOptions<AggregateOptions>().BindConfiguration(AggregateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ResponseSegments>();
        services.AddSingleton<IResponseCounts>(sp => sp.GetRequiredService<ResponseSegments>());
        services.AddSingleton<AggregateService>();
        services.AddSingleton<NightlyRefresh>();
        return services;
    }
}
