using System.Collections;
using Pipeline.Functions.Configuration;

namespace Pipeline.Functions.Hosting;

/// <summary>What both hosts of the functions share, and how the program tells them apart.</summary>
internal static class FunctionsWorker
{
    /// <summary>
    /// True when a Functions host started this process: it passes <c>--functions-uri</c> (or sets
    /// <c>Functions__Worker__HostEndpoint</c>), the address the worker calls back on.
    /// </summary>
    public static bool IsHostedBy(string[] args, IDictionary environment) =>
        args.Contains("--functions-uri", StringComparer.OrdinalIgnoreCase)
        || environment.Contains("Functions__Worker__HostEndpoint");

    /// <summary>Every service of the pipeline; <paramref name="local"/> adds what the Functions host does on Azure.</summary>
    public static IHostApplicationBuilder AddPipeline(this IHostApplicationBuilder builder, string root, bool local)
    {
        builder.RefuseUnsafeSecrets();
        builder.AddPrivacyLogging();
        builder.AddPipelineStorage(root, local);
        builder.AddPipelineDurable(local);
        builder.AddPipelineWaves();
        builder.AddPipelineResponses(local);
        builder.AddPipelineHttp(local);
        return builder;
    }
}
