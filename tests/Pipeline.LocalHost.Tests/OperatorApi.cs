using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;
using Pipeline.Survey.Waves;

namespace Pipeline.LocalHost.Tests;

/// <summary>An operator's calls to the app through the local host: a wave created, its sample uploaded, started, followed.</summary>
internal static class OperatorApi
{
    public const string TokenSecret = "test-token-secret-0123456789abcdef";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static HttpClient Client(string address)
    {
        var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Add("x-functions-key", LocalHostFixture.OperatorKey);
        return http;
    }

    /// <summary>Creates <paramref name="wave"/>, uploads <paramref name="people"/> and starts it (reminder after a day, close after two).</summary>
    public static async Task StartAsync(HttpClient http, WaveDefinition wave, IEnumerable<SamplePerson> people)
    {
        var csv = new StringWriter();
        SyntheticSample.WriteCsv(csv, people);
        Assert.Equal(HttpStatusCode.Created, (await http.PostAsJsonAsync("/api/waves", wave, Json)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.PutAsync(new Uri($"/api/waves/{wave.Id}/sample", UriKind.Relative), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"))).StatusCode);
        var start = await http.PostAsync(new Uri($"/api/waves/{wave.Id}/start", UriKind.Relative), new StringContent("""{"reminderAfter":"1.00:00:00","closeAfter":"2.00:00:00"}""", Encoding.UTF8, "application/json"));
        Assert.True(start.StatusCode == HttpStatusCode.Accepted, $"{start.StatusCode}: {await start.Content.ReadAsStringAsync()}");
    }

    /// <summary>The token of <paramref name="person"/>'s letters.</summary>
    public static string Token(string waveId, SamplePerson person) =>
        AccessToken.Derive(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TokenSecret), Encoding.UTF8.GetBytes(waveId)), waveId, person.PersonReference).Display;

    /// <summary>Polls the wave until <paramref name="done"/> holds for its run; a 5xx (a request the worker was answering when it died) is tried again.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient http, string id, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            using var answer = await http.GetAsync(new Uri($"/api/waves/{id}", UriKind.Relative));
            if ((int)answer.StatusCode >= 500)
            {
                Assert.True(DateTime.UtcNow < deadline, $"still {answer.StatusCode} waiting for {what}");
                await Task.Delay(500);
                continue;
            }

            var view = await answer.Content.ReadFromJsonAsync<JsonElement>();
            var run = view.GetProperty("run");
            if (run.ValueKind == JsonValueKind.Object && run.GetProperty("status").GetString() is "Failed" or "Terminated")
            {
                Assert.Fail($"The wave's run ended {run}");
            }

            if (run.ValueKind == JsonValueKind.Object && done(run))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"still waiting for {what}: {run}");
            await Task.Delay(500);
        }
    }

    public static bool Phase(JsonElement run, string phase) =>
        run.TryGetProperty("progress", out var p) && p.ValueKind == JsonValueKind.Object && p.GetProperty("phase").GetString() == phase;

    /// <summary>A client whose connections come from <paramref name="source"/> (any of 127.0.0.0/8 reaches the host): another client address.</summary>
    public static HttpClient From(string source, Uri address) => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        ConnectCallback = async (context, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = address };
}
