using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Testing;

namespace Pipeline.Functions.Tests;

/// <summary>
/// The response store on an account of its own (<c>ResponseStorage</c>): responses and aggregates land there, and
/// the personal data of a wave (sample, tokens, letters) never does; the other account holds no response.
/// </summary>
public sealed class ResponseStorageTests
{
    [Fact]
    public async Task Split_AWaveWithResponses_ResponsesAndAggregatesInTheResponseAccount_PersonalDataNeverThere()
    {
        var personal = StorageSet.InMemory(TimeProvider.System);
        var responses = StorageSet.InMemory(TimeProvider.System);
        await using var app = new PipelineApplication
        {
            Settings = { ["Responses:ClientPermitsPerMinute"] = "100000", ["Aggregates:CoalesceWindow"] = "00:00:00" },
            ConfigureServices = services =>
            {
                services.RemoveAll<IBlobStore>().RemoveAll<ITableStore>().RemoveAll<IQueueStore>();
                services.AddSingleton(personal.Blobs).AddSingleton(personal.Tables).AddSingleton(personal.Queues);
                services.AddSplitStorage(responses, ResponseData.Containers, ResponseData.Tables);
            },
        };
        var wave = await FieldworkWave.StartAsync(app, people: 40);
        var http = app.CreateClient();
        for (var i = 0; i < 35; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/responses", new { token = wave.Tokens[i], answers = wave.Answers(i) })).StatusCode);
        }

        await app.Services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);
        await app.Services.GetRequiredService<AggregateService>().RecomputeAsync(wave.Definition.Id, default);
        var id = wave.Definition.Id;

        Assert.Equal(35, await CountBlobsAsync(responses.Blobs, ResponseRelease.Container, id));
        Assert.True(await CountBlobsAsync(responses.Blobs, AggregateService.Container, id) > 0);
        Assert.Equal(35, (await wave.ResponsesAsync()).Count);
        foreach (var container in ResponseData.Containers)
        {
            Assert.Equal(0, await CountBlobsAsync(personal.Blobs, container, string.Empty));
        }

        foreach (var table in ResponseData.Tables)
        {
            Assert.Equal(0, await CountRowsAsync(personal.Tables, table));
        }

        Assert.True(await CountRowsAsync(personal.Tables, WaveStore.TokensTable) >= 40);
        Assert.True(await CountBlobsAsync(personal.Blobs, WaveStore.LettersContainer, id) > 0);
        foreach (var table in new[] { WaveStore.TokensTable, WaveStore.WavesTable })
        {
            Assert.Equal(0, await CountRowsAsync(responses.Tables, table));
        }

        foreach (var container in new[] { WaveStore.LettersContainer, WaveStore.PlansContainer })
        {
            Assert.Equal(0, await CountBlobsAsync(responses.Blobs, container, string.Empty));
        }
    }

    [Fact]
    public async Task Setting_ResponseStorageConnection_StoresSplit()
    {
        await using var app = new PipelineApplication { InMemoryStorage = false, Settings = { ["ResponseStorage"] = await TestAzurite.ConnectionStringAsync() } };
        _ = app.CreateClient();
        Assert.IsType<SplitBlobStore>(app.Services.GetRequiredService<IBlobStore>());
        Assert.IsType<SplitTableStore>(app.Services.GetRequiredService<ITableStore>());
    }

    [Fact]
    public async Task Setting_ResponseStorageNotAConnection_HostStopsNamingIt()
    {
        await using var app = new PipelineApplication { InMemoryStorage = false, Settings = { ["ResponseStorage"] = "this is not a connection string;AccountKey=SECRET123" } };
        var error = Assert.IsAssignableFrom<InvalidOperationException>(app.StartFailure());
        Assert.Contains("ResponseStorage is not a storage connection", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET123", error.Message, StringComparison.Ordinal);
    }

    private static async Task<int> CountBlobsAsync(IBlobStore blobs, string container, string prefix)
    {
        try
        {
            return await blobs.ListAllAsync(container, prefix).CountAsync();
        }
        catch (NotFoundException)
        {
            return 0;
        }
    }

    private static async Task<int> CountRowsAsync(ITableStore tables, string table)
    {
        try
        {
            return await tables.QueryAllAsync(table, TableQuery.All).CountAsync();
        }
        catch (NotFoundException)
        {
            return 0;
        }
    }
}
