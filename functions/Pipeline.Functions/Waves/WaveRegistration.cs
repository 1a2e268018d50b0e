using Pipeline.Functions.Responses;

namespace Pipeline.Functions.Waves;

internal static class WaveRegistration
{
    /// <summary>Survey waves: their store and the token secrets (<c>Waves:*</c>).</summary>
    public static IHostApplicationBuilder AddPipelineWaves(this IHostApplicationBuilder builder)
    {
        builder.Services.AddWaves();
        return builder;
    }

    /// <summary>The same without the demo, for any host (the benchmarks use it without the web host).</summary>
    public static IServiceCollection AddWaves(this IServiceCollection services)
    {
        services.AddOptions<WaveOptions>().BindConfiguration(WaveOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<WaveStore>();
        services.AddOptions<TokenGuessOptions>().BindConfiguration(TokenGuessOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TokenGuesses>();
        services.AddSingleton<TokenDirectory>();
        services.AddSingleton<InvitationStore>();
        services.AddSingleton<WaveCounts>();
        services.AddSingleton<SampleImport>();
        services.AddSingleton<Imports>();
        services.Configure<ImportHandlers>(h =>
        {
            h.ByKind[ImportKind.Sample] = WavesApi.UploadSampleAsync;
            h.ByKind[ImportKind.Draw] = WavesApi.DrawSampleAsync;
        });
        services.AddSingleton<WaveStarter>();
        services.AddResponses();
        return services;
    }
}
