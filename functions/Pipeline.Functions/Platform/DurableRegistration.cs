using Pipeline.Functions.Http;

namespace Pipeline.Functions.Platform;

internal static class DurableRegistration
{
    /// <summary>
    /// The request's <c>[DurableClient]</c> and Durable payloads' serializer.
    /// <c>extensions.durableTask</c>) that runs the wave's orchestrator and activities; and the operator and analyst keys.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineDurable(this IHostApplicationBuilder builder)
    {
        DurableClientSlot.AddDurableClientSlot(builder.Services);

        // One serializer for Durable payloads in both hosts. On Azure the DurableTask extension ignores any DataConverter
        // of ours and wraps WorkerOptions.Serializer (DurableTaskExtensionStartup.GetConverter: ObjectConverterShim), whose
        // default is a JsonObjectSerializer over IOptions<JsonSerializerOptions> without a naming policy (WorkerOptionsSetup,
        // azure-functions-dotnet-worker src/DotNetWorker.Core/Hosting/ServiceCollectionExtensions.cs): PascalCase, where
        // the tests' in-process task hub writes DurableData's camelCase. Orchestration GetInput reads JsonElements with the same options.
        builder.Services.Configure<System.Text.Json.JsonSerializerOptions>(o =>
        {
            o.PropertyNamingPolicy = AppJson.Web.PropertyNamingPolicy;
            o.PropertyNameCaseInsensitive = AppJson.Web.PropertyNameCaseInsensitive;
            o.NumberHandling = AppJson.Web.NumberHandling;
        });
        builder.Services.Configure<Microsoft.Azure.Functions.Worker.WorkerOptions>(o => o.Serializer = new Azure.Core.Serialization.JsonObjectSerializer(AppJson.Web));
        return builder;
    }
}
