using Microsoft.AspNetCore.Diagnostics;
using Pipeline.Functions.Platform;
using Pipeline.Storage;

namespace Pipeline.Functions.Http;

/// <summary>
/// A storage fault that reaches the top of a request (storage unreachable, busy, or a table gone) is the service being
/// briefly unavailable, not a bug: 503 with <c>Retry-After</c>, as ProblemDetails for the API and as a page on the
/// respondent form and the dashboard. The message, which names storage objects, is logged, never sent.
/// </summary>
internal sealed class StorageFaults(IProblemDetailsService problems, ILogger<StorageFaults> logger) : IExceptionHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StoreException fault || fault is NotFoundException or ConflictException or PreconditionFailedException)
        {
            return false;
        }

        Log.StorageFault(logger, fault.StatusCode);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        TooManyRequests.SetRetryAfter(http, RetryAfter);
        if (!http.Request.Path.StartsWithSegments("/api"))
        {
            await PageHtml.Html(
                "en",
                "Briefly unavailable",
                "<h1>Briefly unavailable</h1><p lang=\"nl\">Even niet beschikbaar: probeer het over een minuut opnieuw. Uw antwoorden tot nu toe zijn bewaard.</p>"
                + "<p lang=\"fr\">Momentanément indisponible : réessayez dans une minute.</p><p>Please try again in a minute; your answers so far are kept.</p>",
                _ => null,
                StatusCodes.Status503ServiceUnavailable).ExecuteAsync(http);
            return true;
        }

        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Storage briefly unavailable",
                Detail = $"Storage did not answer; nothing was lost. Try again in {(int)RetryAfter.TotalSeconds} s.",
            },
        });
    }
}
