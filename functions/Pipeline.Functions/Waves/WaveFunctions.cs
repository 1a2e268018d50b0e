using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;

namespace Pipeline.Functions.Waves;

/// <summary>The operators' waves API, <c>/api/waves</c>: create, sample, start, signal, close, purge, letters, returned letters, imports.</summary>
internal sealed class WaveFunctions(Imports imports)
{
    [Function("CreateWave")]
    public static IResult Create([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.CreateAsync, Guard.Audited("wave created"), Guard.Operator);

    [Function("ListWaves")]
    public static IResult List([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.ListAsync, Guard.OperatorList);

    [Function("GetWave")]
    public static IResult Get([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.GetAsync, Guard.Operator);

    [Function("UploadSample")]
    public static IResult UploadSample([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/waves/{id}/sample")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.UploadSampleAsync, Guard.Audited("sample uploaded"), Guard.Operator);

    [Function("DrawSample")]
    public static IResult DrawSample([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/sample/draw")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.DrawSampleAsync, Guard.Audited("sample drawn"), Guard.Operator);

    [Function("StartWave")]
    public static IResult Start([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/start")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.StartAsync, Guard.Audited("wave started"), Guard.Operator);

    [Function("RaiseWaveEvent")]
    public static IResult Raise([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/events/{name}")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.RaiseAsync, Guard.Audited("event raised"), Guard.Operator);

    [Function("CancelWave")]
    public static IResult Cancel([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/cancel")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WavesApi.CancelAsync, Guard.Audited("wave cancelled"), Guard.Operator);

    [Function("ReturnLetters")]
    public static IResult ReturnLetters([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/returned-letters")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.ReturnLettersAsync, Guard.Audited("returned letters"), Guard.Operator);

    [Function("PutUploadChunk")]
    public static IResult PutChunk([HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "api/waves/{id}/uploads/{upload}/chunks/{chunk}")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.PutChunkAsync, Guard.Operator);

    [Function("StartImport")]
    public static IResult StartImport([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/uploads/{upload}/import")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.StartImportAsync, Guard.Audited("import started"), Guard.Operator);

    [Function("GetImport")]
    public static IResult GetImport([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}/imports/{upload}")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.GetImportAsync, Guard.Operator);

    /// <summary>Runs a queued import (<see cref="Imports"/>); a failure leaves the message for the trigger to retry.</summary>
    [Function("RunImport")]
    public Task RunImport([QueueTrigger(Imports.Queue, Connection = "AzureWebJobsStorage")] string message, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        imports.RunAsync(message, client, cancellationToken);

    [Function("ListLetters")]
    public static IResult ListLetters([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}/letters")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.ListLettersAsync, Guard.Operator);

    [Function("GetLetter")]
    public static IResult GetLetter([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/waves/{id}/letters/{*name}")] HttpRequest request) =>
        HttpFunction.Run(WavesApi.DownloadLetterAsync, Guard.Audited("letters downloaded"), Guard.Operator);
}
