using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Security;
using Pipeline.Functions.WaveRun;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Platform;

/// <summary>The services of the functions, as the worker runs them.</summary>
internal static class FunctionsWorker
{
    /// <summary>Every service of the pipeline.</summary>
    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder)
    {
        builder.RefuseUnsafeSecrets();
        builder.AddPrivacyLogging();
        builder.AddPipelineStorage();
        builder.AddPipelineDurable();
        builder.AddPipelineHttp();
        builder.Services.AddSecurity().AddWaves().AddResponses().AddAggregates().AddWaveRun();
        return builder;
    }
}
