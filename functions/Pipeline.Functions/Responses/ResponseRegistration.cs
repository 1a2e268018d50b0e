using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

internal static class ResponseRegistration
{
    /// <summary>The rate limit of the respondent pages and API.</summary>
    public static IHostApplicationBuilder AddPipelineResponses(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientLimiter>();
        return builder;
    }

    /// <summary>Response ingestion (<c>Responses:*</c>) and the aggregates (<c>Aggregates:*</c>) without the web parts, for any host; part of <c>AddWaves</c>.</summary>
    public static IServiceCollection AddResponses(this IServiceCollection services)
    {
        services.AddOptions<ResponseOptions>().BindConfiguration(ResponseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ResponseStore>();
        services.AddSingleton<ResponseRelease>();
        services.Configure<ImportHandlers>(h => h.ByKind[ImportKind.Paper] = PaperApi.ImportPaperAsync);
        services.AddSingleton<RecomputeRequests>();
        services.AddSingleton<ResponseIntake>();
        services.AddSingleton<FormSessions>();
        services.AddSingleton<TokenRateLimiter>();
        services.AddSingleton<PaperImport>();
        services.AddOptions<AggregateOptions>().BindConfiguration(AggregateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ResponseSegments>();
        services.AddSingleton<IResponseCounts>(sp => sp.GetRequiredService<ResponseSegments>());
        services.AddSingleton<AggregateService>();
        services.AddSingleton<NightlyRefresh>();
        return services;
    }
}
