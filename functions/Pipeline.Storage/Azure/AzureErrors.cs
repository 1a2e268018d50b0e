using Azure;

namespace Pipeline.Storage.Azure;

/// <summary>
/// Runs SDK calls and translates their exceptions to ours, so that none leaks: ours, and those of libraries built on the
/// SDK (the task hub's backend wraps them in an exception of its own).
/// </summary>
public static class AzureErrors
{
    public static async Task<T> Run<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RequestFailedException e)
        {
            throw Translate(what, e);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is RequestFailedException))
        {
            // The SDK's retries ran out on transport failures.
            throw Translate(what, (RequestFailedException)e.InnerExceptions[^1]);
        }
        catch (Exception e) when (e.InnerException is RequestFailedException inner)
        {
            // A library's wrapper of an SDK failure.
            throw Translate(what, inner);
        }
    }

    public static Task Run(string what, Func<Task> call) =>
        Run(what, async () =>
        {
            await call();
            return true;
        });

    public static StoreException Translate(string what, RequestFailedException e)
    {
        var status = e.Status;
        var code = e.ErrorCode;
        var reason = code is null ? $"HTTP {status}" : $"{code} (HTTP {status})";
        return status switch
        {
            // A table that is gone is a storage fault, not a row that does not exist (a token would read as unknown).
            404 when code == "TableNotFound" => new StoreException($"{what}: the table does not exist, {reason}.", e) { StatusCode = 503 },

            // A stale pop receipt names a receive that no longer exists: the same answer as the twin's.
            404 or 400 when status == 404 || code == "PopReceiptMismatch" => new NotFoundException($"{what}: not found, {reason}.", e) { StatusCode = status },
            409 => new ConflictException($"{what}: already exists, {reason}.", e) { StatusCode = status },
            412 => new PreconditionFailedException($"{what}: the version has changed, {reason}.", e) { StatusCode = status },
            0 => new StoreException($"{what}: storage unreachable ({e.InnerException?.Message ?? e.Message}).", e),
            _ => new StoreException($"{what}: storage answered {reason}.", e) { StatusCode = status },
        };
    }
}
