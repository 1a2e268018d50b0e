using Pipeline.Functions.Http;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Triggers;

namespace Pipeline.Functions.Hosting;

internal static class ResponseRegistration
{
    /// <summary>The rate limits of the respondent pages and API, and the hourly release trigger (after <c>AddPipelineWaves</c>).</summary>
    public static WebApplicationBuilder AddPipelineResponses(this WebApplicationBuilder builder)
    {
        builder.Services.AddRespondentLimits();
        builder.Services.AddHostedService<ResponseReleaseTrigger>();
        return builder;
    }

    /// <summary>Response ingestion (<c>Responses:*</c>) without the web parts, for any host; part of <c>AddWaves</c>.</summary>
    public static IServiceCollection AddResponses(this IServiceCollection services)
    {
        services.AddOptions<ResponseOptions>().BindConfiguration(ResponseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ResponseStore>();
        services.AddSingleton<ResponseRelease>();
        services.AddSingleton<ResponseIntake>();
        services.AddSingleton<TokenRateLimiter>();
        services.AddSingleton<PaperImport>();
        return services;
    }
}
