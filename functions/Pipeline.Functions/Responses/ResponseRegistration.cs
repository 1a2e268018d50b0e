using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

internal static class ResponseRegistration
{
    /// <summary>Responses (<c>Responses:*</c>): intake, the form's sessions, the limits, the paper import, the release and its recompute requests.</summary>
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
        services.AddSingleton<PaperKeying>();
        services.AddSingleton<ClientLimiter>();
        return services;
    }
}
