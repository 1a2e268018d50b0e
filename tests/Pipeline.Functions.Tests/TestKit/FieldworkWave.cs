using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;
using Pipeline.Storage;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Tests;

/// <summary>A wave started through the API and in fieldwork (invitations issued), with its people's tokens.</summary>
internal sealed class FieldworkWave
{
    private int _next;

    private FieldworkWave(PipelineApplication app, WaveDefinition definition, IReadOnlyList<SamplePerson> people, IReadOnlyList<string> tokens)
    {
        App = app;
        Definition = definition;
        People = people;
        Tokens = tokens;
    }

    public PipelineApplication App { get; }

    public WaveDefinition Definition { get; }

    public IReadOnlyList<SamplePerson> People { get; }

    /// <summary>Each person's token as printed, in sample order.</summary>
    public IReadOnlyList<string> Tokens { get; }

    public Questionnaire Questionnaire => Definition.QuestionnaireFor(Definition.Zones[0].Id)!;

    /// <summary>A token no test has taken yet.</summary>
    public string NextToken() => Tokens[Interlocked.Increment(ref _next) - 1];

    /// <summary>Creates, fills and starts a wave; <paramref name="spell"/> changes how the sample file writes a person.</summary>
    public static async Task<FieldworkWave> StartAsync(PipelineApplication app, int people = 40, Func<WaveDefinition, WaveDefinition>? change = null, Func<SamplePerson, int, SamplePerson>? spell = null)
    {
        var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("x-functions-key", PipelineApplication.OperatorKey);
        var kit = new WaveTestKit(http);
        var wave = WaveTestKit.Wave("resp-" + Guid.NewGuid().ToString("N")[..8], 1, "nl", "fr");
        wave = change?.Invoke(wave) ?? wave;
        Assert.Equal(HttpStatusCode.Created, (await kit.CreateAsync(wave)).StatusCode);
        var sample = SyntheticSample.People(wave, people, 3).ToList();
        var csv = new StringWriter();
        SyntheticSample.WriteCsv(csv, spell is null ? sample : sample.Select(spell));
        Assert.Equal(HttpStatusCode.OK, (await kit.UploadAsync(wave.Id, csv.ToString())).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await kit.StartAsync(wave.Id)).StatusCode);
        await kit.WaitForAsync(wave.Id, "waiting for reminder");
        var secret = app.Services.GetRequiredService<IOptions<WaveOptions>>().Value.WaveSecret(wave.Id);
        return new(app, wave, sample, [.. sample.Select(p => AccessToken.Derive(secret, wave.Id, p.PersonReference).Display)]);
    }

    /// <summary>Sets the wave's phase (or purged flag) as the lifecycle would.</summary>
    public async Task SetAsync(Func<WaveRecord, WaveRecord> change)
    {
        var store = App.Services.GetRequiredService<WaveStore>();
        await store.SaveAsync(change((await store.GetAsync(Definition.Id, default))!), default);
    }

    /// <summary>The released responses of this wave, as stored.</summary>
    public async Task<List<(string Name, string Json)>> ResponsesAsync()
    {
        var blobs = App.Services.GetRequiredService<IBlobStore>();
        var result = new List<(string, string)>();
        await foreach (var item in blobs.ListAllAsync(ResponseRelease.Container, Definition.Id + "/"))
        {
            result.Add((item.Name, System.Text.Encoding.UTF8.GetString((await blobs.GetAsync(ResponseRelease.Container, item.Name)).Content.Span)));
        }

        return result;
    }

    public Dictionary<string, object> Answers(int seed = 1) =>
        AnswerJson.Write(Questionnaire, SyntheticAnswers.Complete(Questionnaire, new Random(seed)))
            .ToDictionary(p => p.Key, p => (object)p.Value!);
}
