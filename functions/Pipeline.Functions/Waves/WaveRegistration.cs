namespace Pipeline.Functions.Waves;

internal static class WaveRegistration
{
    /// <summary>Survey waves (<c>Waves:*</c>): their store, tokens, samples, imports, letters' counts and the start of their run.</summary>
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
        return services;
    }
}
