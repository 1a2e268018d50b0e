using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Tests;

/// <summary>
/// Files of any size: sent in chunks, imported by a queued job that runs the synchronous endpoint's handler, with its
/// state and report at a Location. A crash in the middle leaves nothing half-imported and the job runs again.
/// </summary>
public sealed class ImportsTests : IAsyncLifetime, IDisposable
{
    private readonly FaultyChunks _faults = new();
    private readonly PipelineApplication _app = new()
    {
        Settings =
        {
            ["Waves:MaxChunkBytes"] = "2048",
            ["AzureFunctionsJobHost:extensions:queues:maxPollingInterval"] = "00:00:00.100",
            ["AzureFunctionsJobHost:extensions:queues:visibilityTimeout"] = "00:00:00.100",
        },
    };

    private WaveTestKit _kit = null!;

    public Task InitializeAsync()
    {
        _app.ConfigureServices = services =>
        {
            var inner = services.Single(d => d.ServiceType == typeof(IBlobStore));
            services.Replace(ServiceDescriptor.Singleton<IBlobStore>(sp => _faults.Wrap((IBlobStore)inner.ImplementationFactory!(sp))));
        };
        _kit = WaveTestKit.Operator(_app);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _app.Dispose();

    /// <summary>Sends <paramref name="file"/> in chunks of at most 2,000 bytes (cut anywhere, inside a UTF-8 character too).</summary>
    private async Task<int> SendChunksAsync(string waveId, string upload, byte[] file)
    {
        var chunks = file.Chunk(1999).ToList();
        for (var i = chunks.Count - 1; i >= 0; i--) // any order
        {
            var put = await _kit.Http.PutAsync(new Uri($"/api/waves/{waveId}/uploads/{upload}/chunks/{i}", UriKind.Relative), new ByteArrayContent(chunks[i]));
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        return chunks.Count;
    }

    private async Task<JsonElement> ImportAsync(string waveId, string upload, string kind, int chunks, string more = "")
    {
        var start = await _kit.Http.PostAsync(new Uri($"/api/waves/{waveId}/uploads/{upload}/import?kind={kind}&chunks={chunks}{more}", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal($"/api/waves/{waveId}/imports/{upload}", start.Headers.Location!.OriginalString);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var status = await _kit.Http.GetFromJsonAsync<JsonElement>(start.Headers.Location);
            if (status.GetProperty("state").GetString() == "done")
            {
                return status;
            }

            Assert.True(DateTime.UtcNow < deadline, $"import still {status}");
            await Task.Delay(100);
        }
    }

    private async Task<int> ChunksLeftAsync(string waveId, string upload) =>
        await _app.Services.GetRequiredService<IBlobStore>().ListAllAsync(Imports.Container, Imports.Prefix(waveId, upload)).CountAsync(b => !b.Name.EndsWith(".json", StringComparison.Ordinal));

    [Fact]
    public async Task Import_SampleInChunks_AnsweredAsTheUploadEndpoint_ChunksDeleted()
    {
        var wave = WaveTestKit.Wave("pz-import-ok", 2, "nl", "fr");
        await _kit.CreateAsync(wave);
        var file = Encoding.UTF8.GetBytes(WaveTestKit.Csv(wave, 120).Replace("Peeters", "Peetérs", StringComparison.Ordinal));

        var chunks = await SendChunksAsync(wave.Id, "upload-0001", file);
        var status = await ImportAsync(wave.Id, "upload-0001", "sample", chunks);

        Assert.True(chunks > 5);
        Assert.Equal(200, status.GetProperty("resultStatus").GetInt32());
        Assert.Equal(120, status.GetProperty("result").GetProperty("sampleSize").GetInt32());
        Assert.Equal(1, status.GetProperty("attempts").GetInt32());
        Assert.Equal(120, (await _app.Services.GetRequiredService<WaveStore>().GetAsync(wave.Id, default))!.SampleSize);

        // The job says "done" before it deletes the chunks (a crash between them must leave chunks to run again on), so the
        // chunks go a moment after the status says done.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (await ChunksLeftAsync(wave.Id, "upload-0001") is var left && left > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{left} chunks still there 30 s after the import was done");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Import_RefusedRows_TheEndpointsReportKept_WaveKeepsItsSample()
    {
        var wave = WaveTestKit.Wave("pz-import-bad", 1, "nl");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 10))).StatusCode);
        var file = Encoding.UTF8.GetBytes(WaveTestKit.Csv(wave, 50) + "P999;;;;;;zone-1;;nl;25-34;M\n");

        var status = await ImportAsync(wave.Id, "upload-bad-1", "sample", await SendChunksAsync(wave.Id, "upload-bad-1", file));

        Assert.Equal(400, status.GetProperty("resultStatus").GetInt32());
        Assert.Contains("line", status.GetProperty("result").GetProperty("errors")[0].GetRawText(), StringComparison.Ordinal);
        Assert.Equal(10, (await _app.Services.GetRequiredService<WaveStore>().GetAsync(wave.Id, default))!.SampleSize);
    }

    [Fact]
    public async Task Import_CrashReadingTheThirdChunk_NothingHalfImported_RetriedToTheEnd()
    {
        var wave = WaveTestKit.Wave("pz-import-crash", 1, "nl");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.OK, (await _kit.UploadAsync(wave.Id, WaveTestKit.Csv(wave, 10))).StatusCode);
        var chunks = await SendChunksAsync(wave.Id, "upload-crash1", Encoding.UTF8.GetBytes(WaveTestKit.Csv(wave, 80, seed: 2)));
        _faults.FailOnce(ChunkStream.Name(Imports.Prefix(wave.Id, "upload-crash1"), 2));
        var store = _app.Services.GetRequiredService<WaveStore>();
        _faults.AtFault = async () => (await store.GetAsync(wave.Id, default))!.SampleSize;

        var status = await ImportAsync(wave.Id, "upload-crash1", "sample", chunks);

        // At the fault, rows of the first chunks were staged, and the wave still had its first sample.
        Assert.Equal(10, _faults.SeenAtFault);
        Assert.Equal(2, status.GetProperty("attempts").GetInt32());
        Assert.Equal(200, status.GetProperty("resultStatus").GetInt32());
        var record = (await _app.Services.GetRequiredService<WaveStore>().GetAsync(wave.Id, default))!;
        Assert.Equal(80, record.SampleSize);
        Assert.Equal(0, await ChunksLeftAsync(wave.Id, "upload-crash1"));
    }

    [Fact]
    public async Task Import_FailsEveryTime_EndsAfterFiveAttemptsWith503_NothingImported_ChunksDeleted()
    {
        var wave = WaveTestKit.Wave("pz-import-down", 1, "nl");
        await _kit.CreateAsync(wave);
        var chunks = await SendChunksAsync(wave.Id, "upload-down1", Encoding.UTF8.GetBytes(WaveTestKit.Csv(wave, 40)));
        _faults.FailAlways(ChunkStream.Name(Imports.Prefix(wave.Id, "upload-down1"), 1));

        var status = await ImportAsync(wave.Id, "upload-down1", "sample", chunks);

        Assert.Equal(Imports.MaxAttempts, status.GetProperty("attempts").GetInt32());
        Assert.Equal(503, status.GetProperty("resultStatus").GetInt32());
        Assert.Contains("nothing was imported", status.GetProperty("result").GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await _app.Services.GetRequiredService<WaveStore>().GetAsync(wave.Id, default))!.SampleSize);
        Assert.Equal(0, await ChunksLeftAsync(wave.Id, "upload-down1"));
    }

    [Fact]
    public void Handlers_EveryKind_TheSynchronousEndpointsOwn_RegisteredByItsFeature()
    {
        var handlers = _app.Services.GetRequiredService<IOptions<ImportHandlers>>().Value.ByKind;

        Assert.Equal(Enum.GetValues<ImportKind>().Order(), handlers.Keys.Order());
        Assert.Equal((typeof(WavesApi), nameof(WavesApi.UploadSampleAsync)), (handlers[ImportKind.Sample].Method.DeclaringType, handlers[ImportKind.Sample].Method.Name));
        Assert.Equal((typeof(WavesApi), nameof(WavesApi.DrawSampleAsync)), (handlers[ImportKind.Draw].Method.DeclaringType, handlers[ImportKind.Draw].Method.Name));
        Assert.Equal((typeof(PaperApi), nameof(PaperApi.ImportPaperAsync)), (handlers[ImportKind.Paper].Method.DeclaringType, handlers[ImportKind.Paper].Method.Name));
    }

    [Theory]
    [InlineData("PUT", "/api/waves/{w}/uploads/UPPER-CASE/chunks/0", HttpStatusCode.BadRequest, "upload")]
    [InlineData("PUT", "/api/waves/{w}/uploads/short/chunks/0", HttpStatusCode.BadRequest, "upload")]
    [InlineData("PUT", "/api/waves/{w}/uploads/upload-0001/chunks/-1", HttpStatusCode.BadRequest, "chunk")]
    [InlineData("PUT", "/api/waves/{w}/uploads/upload-0001/chunks/10000", HttpStatusCode.BadRequest, "chunk")]
    [InlineData("PUT", "/api/waves/{w}/uploads/upload-0001/chunks/x", HttpStatusCode.BadRequest, "chunk")]
    [InlineData("PUT", "/api/waves/no-such-wave/uploads/upload-0001/chunks/0", HttpStatusCode.NotFound, "no-such-wave")]
    [InlineData("POST", "/api/waves/{w}/uploads/upload-0001/import?kind=zip&chunks=1", HttpStatusCode.BadRequest, "kind")]
    [InlineData("POST", "/api/waves/{w}/uploads/upload-0001/import?kind=1&chunks=1", HttpStatusCode.BadRequest, "kind")]
    [InlineData("POST", "/api/waves/{w}/uploads/upload-0001/import?kind=sample", HttpStatusCode.BadRequest, "chunks")]
    [InlineData("POST", "/api/waves/{w}/uploads/upload-0001/import?kind=sample&chunks=0", HttpStatusCode.BadRequest, "chunks")]
    [InlineData("POST", "/api/waves/{w}/uploads/upload-0001/import?kind=sample&chunks=3", HttpStatusCode.BadRequest, "Chunks 1, 2 are missing")]
    [InlineData("GET", "/api/waves/{w}/imports/upload-none", HttpStatusCode.NotFound, "no import")]
    public async Task Import_Malformed_ProblemSaysWhatAndWhere_NothingQueued(string method, string path, HttpStatusCode expected, string says)
    {
        var wave = WaveTestKit.Wave("pz-import-bad-" + Math.Abs(path.GetHashCode(StringComparison.Ordinal) % 100000), 1, "nl");
        await _kit.CreateAsync(wave);
        Assert.Equal(HttpStatusCode.NoContent, (await _kit.Http.PutAsync(new Uri($"/api/waves/{wave.Id}/uploads/upload-0001/chunks/0", UriKind.Relative), new ByteArrayContent([1, 2, 3]))).StatusCode);
        using var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{w}", wave.Id, StringComparison.Ordinal)) { Content = method == "PUT" ? new ByteArrayContent([1]) : null };

        var response = await _kit.Http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(says, await WaveTestKit.ProblemAsync(response), StringComparison.OrdinalIgnoreCase);
        Assert.Null(await _app.Services.GetRequiredService<Imports>().GetAsync(wave.Id, "upload-0001", default));
    }

    [Theory]
    [InlineData(0, HttpStatusCode.BadRequest, "at least one byte")]
    [InlineData(2049, HttpStatusCode.RequestEntityTooLarge, "Waves:MaxChunkBytes")]
    public async Task Chunk_EmptyOrTooLarge_Refused(int size, HttpStatusCode expected, string says)
    {
        var wave = WaveTestKit.Wave("pz-import-size" + size, 1, "nl");
        await _kit.CreateAsync(wave);

        var response = await _kit.Http.PutAsync(new Uri($"/api/waves/{wave.Id}/uploads/upload-0001/chunks/0", UriKind.Relative), new ByteArrayContent(new byte[size]));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains(says, await WaveTestKit.ProblemAsync(response), StringComparison.Ordinal);
    }

    /// <summary>Fails reads of chosen chunks: once (a crash mid-import) or always (storage that never comes back).</summary>
    private sealed class FaultyChunks
    {
        private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
        private readonly Lock _gate = new();

        /// <summary>Read at the first fault: what the test wants to know of that moment.</summary>
        public Func<Task<int>>? AtFault { get; set; }

        public int? SeenAtFault { get; private set; }

        public void FailOnce(string chunk) => Set(chunk, 1);

        public void FailAlways(string chunk) => Set(chunk, int.MaxValue);

        private void Set(string chunk, int times)
        {
            lock (_gate)
            {
                _failures[chunk] = times;
            }
        }

        public IBlobStore Wrap(IBlobStore inner) => new Store(inner, this);

        private bool ShouldFail(string name)
        {
            lock (_gate)
            {
                if (!_failures.TryGetValue(name, out var left) || left == 0)
                {
                    return false;
                }

                _failures[name] = left - 1;
                return true;
            }
        }

        private sealed class Store(IBlobStore inner, FaultyChunks faults) : IBlobStore
        {
            public Task<string> PutAsync(string container, string name, Stream content, BlobCondition condition, CancellationToken cancellationToken = default) => inner.PutAsync(container, name, content, condition, cancellationToken);

            public async Task<BlobContent> GetAsync(string container, string name, CancellationToken cancellationToken = default)
            {
                if (container == Imports.Container && faults.ShouldFail(name))
                {
                    if (faults.AtFault is { } probe && faults.SeenAtFault is null)
                    {
                        faults.SeenAtFault = await probe();
                    }

                    throw new IOException("The host died while reading a chunk.");
                }

                return await inner.GetAsync(container, name, cancellationToken);
            }

            public Task<BlobPage> ListAsync(string container, string prefix, int pageSize = 1000, string? continuation = null, CancellationToken cancellationToken = default) => inner.ListAsync(container, prefix, pageSize, continuation, cancellationToken);

            public Task<bool> DeleteAsync(string container, string name, string? ifMatch = null, CancellationToken cancellationToken = default) => inner.DeleteAsync(container, name, ifMatch, cancellationToken);
        }
    }
}
