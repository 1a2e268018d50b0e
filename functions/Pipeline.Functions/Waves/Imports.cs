using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Http;
using Pipeline.Functions.Platform;
using Pipeline.Storage;

namespace Pipeline.Functions.Waves;

/// <summary>What an import runs: the same handler as the synchronous endpoint of its kind.</summary>
internal enum ImportKind
{
    /// <summary>A sample file, as <c>PUT /api/waves/{id}/sample</c>.</summary>
    Sample,

    /// <summary>A register extract to draw from, as <c>POST /api/waves/{id}/sample/draw</c>.</summary>
    Draw,

    /// <summary>Keyed-in paper forms, as <c>POST /api/waves/{id}/paper-responses</c>.</summary>
    Paper,
}

/// <summary>
/// The handler of each import kind: the synchronous endpoint's own, registered by the feature that owns the endpoint
/// (<c>AddWaves</c>: sample and draw; <c>AddResponses</c>: paper), so that the queued import knows no feature after waves.
/// </summary>
internal sealed class ImportHandlers
{
    public Dictionary<ImportKind, Delegate> ByKind { get; } = [];
}

/// <summary>An import's state: <c>queued</c>, <c>running</c>, or <c>done</c> with the answer its endpoint would have given.</summary>
internal sealed record ImportStatus(string WaveId, string UploadId, ImportKind Kind, string State, int Chunks, int Attempts, DateTimeOffset Created, DateTimeOffset? Finished, int? ResultStatus, JsonElement? Result);

/// <summary>
/// Imports of any size, out of the request: the Functions host caps a request body at 100 MB and Azure's front end cuts a
/// request after about 230 s, so an operator sends a large file in chunks (<c>uploads/{wave}/{upload}/{n}</c>), then
/// asks for its import; a queue message (<see cref="Queue"/>) runs it. The job runs the very handler of the synchronous
/// endpoint over the chunks, so its checks, its all-or-nothing staging and its report are the endpoint's; the report is
/// kept with the job. A failed attempt (a crash, storage away) leaves nothing half-imported (a sample is staged and
/// attached in one write at the end) and is retried by the queue trigger; after <see cref="MaxAttempts"/> the job ends
/// with a 503 report. The chunks (personal data) are deleted when the job ends, and with the wave's purge otherwise.
/// </summary>
internal sealed class Imports(WaveStore store, IQueueStore queues, IServiceScopeFactory scopes, IOptions<ImportHandlers> handlers, TimeProvider time, ILogger<Imports> logger)
{
    public const string Container = "uploads";
    public const string Table = "Imports";
    public const string Queue = "wave-imports";
    public const int MaxChunks = 10_000;
    public const int MaxAttempts = 5;

    /// <summary>Marks the request context of an import job: its file came in chunks, so the host's body limit is not its limit.</summary>
    public const string JobItem = "pipeline-import-job";

    private const string Result = "result.json";

    public static string Prefix(string waveId, string uploadId) => $"{waveId}/{uploadId}/";

    public async Task PutChunkAsync(string waveId, string uploadId, int chunk, byte[] content, CancellationToken cancellationToken) =>
        await store.Blobs.PutAsync(Container, ChunkStream.Name(Prefix(waveId, uploadId), chunk), content, BlobCondition.None, cancellationToken);

    /// <summary>The chunks stored for an upload, by number.</summary>
    public async Task<IReadOnlyList<int>> ChunksAsync(string waveId, string uploadId, CancellationToken cancellationToken) =>
        await store.Blobs.ListAllAsync(Container, Prefix(waveId, uploadId), cancellationToken)
            .Select(b => b.Name[Prefix(waveId, uploadId).Length..])
            .Where(n => n.Length == 5 && n.All(char.IsAsciiDigit))
            .Select(n => int.Parse(n, System.Globalization.CultureInfo.InvariantCulture))
            .ToListAsync(cancellationToken);

    public async Task<ImportStatus?> GetAsync(string waveId, string uploadId, CancellationToken cancellationToken) =>
        await store.Tables.TryGetAsync(Table, waveId, uploadId, cancellationToken) is { } row ? await StatusAsync(row, cancellationToken) : null;

    /// <summary>Queues the import; a second start of the same upload gives the first job.</summary>
    public async Task<ImportStatus> StartAsync(string waveId, string uploadId, ImportKind kind, int chunks, string query, CancellationToken cancellationToken)
    {
        var row = new TableRow(waveId, uploadId, new Dictionary<string, object>
        {
            ["Kind"] = kind.ToString(),
            ["Chunks"] = chunks,
            ["Query"] = query,
            ["State"] = "queued",
            ["Attempts"] = 0,
            ["Created"] = time.GetUtcNow(),
        });
        try
        {
            await store.Tables.InsertAsync(Table, row, cancellationToken);
        }
        catch (ConflictException)
        {
            return (await GetAsync(waveId, uploadId, cancellationToken))!;
        }

        await queues.AddAsync(Queue, waveId + "/" + uploadId, TimeSpan.Zero, cancellationToken);
        return (await GetAsync(waveId, uploadId, cancellationToken))!;
    }

    /// <summary>Runs the job a queue message names; at least once, so a job already done is left alone.</summary>
    public async Task RunAsync(string message, DurableTaskClient client, CancellationToken cancellationToken)
    {
        var slash = message.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || await store.Tables.TryGetAsync(Table, message[..slash], message[(slash + 1)..], cancellationToken) is not { } row
            || row.GetString("State") == "done")
        {
            return;
        }

        var attempts = row.Get<int>("Attempts") + 1;
        var running = row with { Properties = new Dictionary<string, object>(row.Properties) { ["State"] = "running", ["Attempts"] = attempts } };
        running = running with { ETag = await store.Tables.ReplaceAsync(Table, running, row.ETag!, cancellationToken) };
        var kind = Enum.Parse<ImportKind>(row.GetString("Kind")!);
        int status;
        byte[] body;
        try
        {
            (status, body) = await RunHandlerAsync(row.PartitionKey, row.RowKey, kind, row.Get<int>("Chunks"), row.GetString("Query") ?? string.Empty, client, cancellationToken);

            // A 5xx is the endpoint failing (a bug, storage away: HttpFunction answered for it), not its verdict on the file.
            if (status >= StatusCodes.Status500InternalServerError)
            {
                throw new ImportAttemptFailedException(status);
            }
        }
        catch (Exception e) when (attempts < MaxAttempts && e is not OperationCanceledException)
        {
            Log.ImportAttemptFailed(logger, kind.ToString(), attempts, e.GetType().Name);
            throw; // the queue trigger tries again; nothing was attached
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ImportAttemptFailed(logger, kind.ToString(), attempts, e.GetType().Name);
            (status, body) = (StatusCodes.Status503ServiceUnavailable, JsonSerializer.SerializeToUtf8Bytes(new
            {
                title = "Import failed",
                status = StatusCodes.Status503ServiceUnavailable,
                detail = $"The import failed {attempts} times; nothing was imported. Upload the file again.",
            }));
        }

        // The report first, then the job's end: a crash in between runs the job again, which the endpoint's own rules
        // make harmless (a staged sample replaces the first; a paper form counts once).
        var prefix = Prefix(row.PartitionKey, row.RowKey);
        await store.Blobs.PutAsync(Container, prefix + Result, body, BlobCondition.None, cancellationToken);
        await store.Tables.ReplaceAsync(Table, running with
        {
            Properties = new Dictionary<string, object>(running.Properties) { ["State"] = "done", ["Finished"] = time.GetUtcNow(), ["ResultStatus"] = status },
        }, running.ETag!, cancellationToken);
        foreach (var chunk in await ChunksAsync(row.PartitionKey, row.RowKey, cancellationToken))
        {
            await store.Blobs.DeleteAsync(Container, ChunkStream.Name(prefix, chunk), cancellationToken: cancellationToken);
        }

        Log.ImportDone(logger, kind.ToString(), status, attempts);
    }

    /// <summary>The endpoint's handler over the chunks, in a request context of its own: its status and body.</summary>
    private async Task<(int Status, byte[] Body)> RunHandlerAsync(string waveId, string uploadId, ImportKind kind, int chunks, string query, DurableTaskClient client, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider, RequestAborted = cancellationToken };
        http.Items[JobItem] = true;
        http.Request.Method = kind == ImportKind.Sample ? HttpMethods.Put : HttpMethods.Post;
        http.Request.QueryString = new QueryString(query);
        http.Request.RouteValues["id"] = waveId;
        http.Request.ContentType = "text/csv";
        http.Request.Body = new ChunkStream(store.Blobs, Prefix(waveId, uploadId), chunks);
        using var response = new MemoryStream();
        http.Response.Body = response;
        var handler = handlers.Value.ByKind.TryGetValue(kind, out var registered)
            ? registered
            : throw new InvalidOperationException($"No handler is registered for imports of kind {kind}.");
        await HttpFunction.Run(http.Request, client, handler).ExecuteAsync(http);
        return (http.Response.StatusCode, response.ToArray());
    }

    private async Task<ImportStatus> StatusAsync(TableRow row, CancellationToken cancellationToken)
    {
        JsonElement? result = null;
        if (row.GetString("State") == "done")
        {
            var blob = await store.Blobs.GetAsync(Container, Prefix(row.PartitionKey, row.RowKey) + Result, cancellationToken);
            using var document = JsonDocument.Parse(blob.Content);
            result = document.RootElement.Clone();
        }

        return new ImportStatus(
            row.PartitionKey,
            row.RowKey,
            Enum.Parse<ImportKind>(row.GetString("Kind")!),
            row.GetString("State")!,
            row.Get<int>("Chunks"),
            row.Get<int>("Attempts"),
            row.Get<DateTimeOffset>("Created"),
            row.Properties.ContainsKey("Finished") ? row.Get<DateTimeOffset>("Finished") : null,
            row.Properties.ContainsKey("ResultStatus") ? row.Get<int>("ResultStatus") : null,
            result);
    }

    /// <summary>An attempt the endpoint answered with a 5xx.</summary>
    private sealed class ImportAttemptFailedException(int status) : Exception($"The import's handler answered {status}.");
}
