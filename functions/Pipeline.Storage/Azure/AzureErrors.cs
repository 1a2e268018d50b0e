using SdkStorageException = Microsoft.WindowsAzure.Storage.StorageException;

namespace Pipeline.Storage.Azure;

/// <summary>Runs SDK calls and translates their exceptions to ours, so that none leaks.</summary>
internal static class AzureErrors
{
    public static async Task<T> Run<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (SdkStorageException e) when (e.InnerException is OperationCanceledException cancelled)
        {
            throw new OperationCanceledException($"{what}: cancelled.", cancelled, cancelled.CancellationToken);
        }
        catch (SdkStorageException e)
        {
            throw Translate(what, e);
        }
    }

    public static Task Run(string what, Func<Task> call) =>
        Run(what, async () =>
        {
            await call();
            return true;
        });

    public static StoreException Translate(string what, SdkStorageException e)
    {
        var status = e.RequestInformation?.HttpStatusCode ?? 0;
        var code = e.RequestInformation?.ErrorCode;
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
