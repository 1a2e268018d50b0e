using Pipeline.Functions.Operations;
using Pipeline.Storage;

namespace Pipeline.Functions.Platform;

internal static class StorageRegistration
{
    /// <summary>
    /// Azure Storage from <c>AzureWebJobsStorage</c> (tuning under <c>Storage:*</c>), the response store on
    /// <c>ResponseStorage</c> when that is set (<see cref="Responses.ResponseData"/>), and the health checks.
    /// </summary>
    public static IHostApplicationBuilder AddPipelineStorage(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<StorageOptions>()
            .BindConfiguration("Storage")
            .Configure<IConfiguration>((o, c) => ReadConnection(c.GetSection("AzureWebJobsStorage"), o))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddAzureStorage();
        var responses = builder.Configuration.GetSection(Responses.ResponseData.Connection);
        if (responses.Value is { Length: > 0 } || responses.GetChildren().Any())
        {
            services.AddSplitStorage(ResponseAccount(builder.Configuration, responses), Responses.ResponseData.Containers, Responses.ResponseData.Tables);
        }
        services.AddHostedService<StorageProbe>();
        services.AddSingleton<HealthCache>();
        services.AddHealthChecks()
            .AddCheck<BlobHealthCheck>("blob", timeout: StorageHealthCheck.Timeout)
            .AddCheck<TableHealthCheck>("table", timeout: StorageHealthCheck.Timeout)
            .AddCheck<QueueHealthCheck>("queue", timeout: StorageHealthCheck.Timeout);
        return builder;
    }

    /// <summary>
    /// The response store's account (<c>ResponseStorage</c>, read like <c>AzureWebJobsStorage</c>), with the same
    /// <c>Storage:*</c> tuning; a value that is no connection stops the host naming the setting.
    /// </summary>
    private static StorageSet ResponseAccount(IConfiguration configuration, IConfigurationSection connection)
    {
        var options = new StorageOptions();
        configuration.GetSection("Storage").Bind(options);
        ReadConnection(connection, options);
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        if (!System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), errors, validateAllProperties: true))
        {
            throw new InvalidOperationException($"{connection.Path}: " + string.Join(" ", errors.Select(e => e.ErrorMessage)));
        }

        try
        {
            return StorageSet.Azure(options);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // The parser's message says what is wrong with the form; it never repeats the value (which may hold a key).
            throw new InvalidOperationException($"{connection.Path} is not a storage connection: {e.Message}", e);
        }
    }

    /// <summary>
    /// A connection as Functions reads it: the setting's value is a connection string; its children
    /// (<c>__accountName</c>, <c>__blobServiceUri</c>, ..., <c>__credential</c>, <c>__clientId</c>) make an identity-based one.
    /// </summary>
    public static void ReadConnection(IConfigurationSection connection, StorageOptions o)
    {
        o.ConnectionString = connection.Value ?? string.Empty;
        o.AccountName = connection["accountName"];
        o.BlobServiceUri = Uri.TryCreate(connection["blobServiceUri"], UriKind.Absolute, out var blob) ? blob : null;
        o.TableServiceUri = Uri.TryCreate(connection["tableServiceUri"], UriKind.Absolute, out var table) ? table : null;
        o.QueueServiceUri = Uri.TryCreate(connection["queueServiceUri"], UriKind.Absolute, out var queue) ? queue : null;
        o.Credential = connection["credential"];
        o.ClientId = connection["clientId"];
    }
}
