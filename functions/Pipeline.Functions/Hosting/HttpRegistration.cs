using System.Text.Json.Serialization;

namespace Pipeline.Functions.Hosting;

internal static class HttpRegistration
{
    /// <summary>ProblemDetails for every error, and JSON with enums as names.</summary>
    public static WebApplicationBuilder AddPipelineHttp(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<Http.StorageFaults>();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }
}
