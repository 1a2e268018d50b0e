using Pipeline.Storage;

namespace Pipeline.Functions.Hosting;

internal static class StorageRegistration
{
    /// <summary>Azure Storage from <c>AzureWebJobsStorage</c> (tuning under <c>Storage:*</c>), with the embedded Azurite.</summary>
    public static WebApplicationBuilder AddPipelineStorage(this WebApplicationBuilder builder, string root)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(new CheckoutRoot(root));
        services.AddOptions<StorageOptions>()
            .BindConfiguration("Storage")
            .Configure<IConfiguration>((o, c) => o.ConnectionString = c["AzureWebJobsStorage"] ?? string.Empty)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAzureStorage();
        services.AddOptions<EmbeddedAzuriteOptions>()
            .BindConfiguration(EmbeddedAzuriteOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<EmbeddedAzurite>();
        services.AddHostedService<StorageProbe>();
        services.AddSingleton<Http.HealthCache>();
        services.AddHealthChecks()
            .AddCheck<BlobHealthCheck>("blob", timeout: StorageHealthCheck.Timeout)
            .AddCheck<TableHealthCheck>("table", timeout: StorageHealthCheck.Timeout)
            .AddCheck<QueueHealthCheck>("queue", timeout: StorageHealthCheck.Timeout);
        return builder;
    }
}
