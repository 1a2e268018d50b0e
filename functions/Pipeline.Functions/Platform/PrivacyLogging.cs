namespace Pipeline.Functions.Platform;

internal static class PrivacyLogging
{
    /// <summary>
    /// The framework categories that write request paths, query strings or redirect targets, where a token can
    /// stand (<c>/s/{token}</c>, the QR code's link). They log warnings and errors only, whatever the settings say
    /// for <c>Microsoft.AspNetCore</c> or the default: these rules are more specific, so they win. The hosting
    /// category is off altogether: while it is on at any level, every log line of a request carries a scope
    /// with the request path. Unhandled errors are still logged, by the exception handler's own category.
    /// </summary>
    public static readonly IReadOnlyList<string> PathCategories =
    [
        "Microsoft.AspNetCore.Http.Result",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.HttpLogging",
        "Microsoft.AspNetCore.Mvc",
    ];

    public static IHostApplicationBuilder AddPrivacyLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        foreach (var category in PathCategories)
        {
            builder.Logging.AddFilter(category, LogLevel.Warning);
        }

        return builder;
    }
}
