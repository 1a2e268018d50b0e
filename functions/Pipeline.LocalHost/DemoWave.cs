using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;

namespace Pipeline.LocalHost;

/// <summary>
/// The demo (<c>--Demo:Enabled=true</c>): a wave of one zone with a synthetic sample and compressed timers, run through
/// the app's own API as an operator would, with synthetic respondents answering through <c>POST /api/responses</c>
/// before the reminder, each from an address of its own (127.0.0.0/8), as respondents come from their own homes.
/// <c>Demo:People</c> (5,600), <c>Demo:ReminderAfter</c> (2 min), <c>Demo:CloseAfter</c> (5 min), <c>Demo:ResponseRate</c> (0.3).
/// </summary>
internal sealed class DemoWave(string address, IReadOnlyDictionary<string, string?> settings, TimeProvider time, ILogger logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static bool Enabled(IReadOnlyDictionary<string, string?> settings) => settings.GetValueOrDefault("Demo:Enabled") is { } on && bool.Parse(on);

    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        var people = int.Parse(settings.GetValueOrDefault("Demo:People") ?? "5600", CultureInfo.InvariantCulture);
        var reminderAfter = TimeSpan.Parse(settings.GetValueOrDefault("Demo:ReminderAfter") ?? "00:02:00", CultureInfo.InvariantCulture);
        var closeAfter = TimeSpan.Parse(settings.GetValueOrDefault("Demo:CloseAfter") ?? "00:05:00", CultureInfo.InvariantCulture);
        var rate = double.Parse(settings.GetValueOrDefault("Demo:ResponseRate") ?? "0.3", CultureInfo.InvariantCulture);
        var key = settings.GetValueOrDefault("Operator:Keys:0") ?? throw new InvalidOperationException("The demo needs Operator:Keys:0.");
        var secret = settings.GetValueOrDefault("Waves:TokenSecret") ?? throw new InvalidOperationException("The demo needs Waves:TokenSecret.");

        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(5) };
        http.DefaultRequestHeaders.Add("x-functions-key", key);
        var now = time.GetUtcNow();
        var wave = SyntheticSample.Wave($"demo-{now:yyyyMMdd-HHmmss}", 1, ["nl", "fr"], DateOnly.FromDateTime(now.UtcDateTime)) with { Title = $"Veiligheidsmonitor {now.Year} – PZ Demo" };
        var sample = SyntheticSample.People(wave, people, seed: now.Second).ToList();
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        SyntheticSample.WriteCsv(csv, sample);
        (await http.PostAsJsonAsync("/api/waves", wave, Json, cancellationToken)).EnsureSuccessStatusCode();
        (await http.PutAsync(new Uri($"/api/waves/{wave.Id}/sample", UriKind.Relative), new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), cancellationToken)).EnsureSuccessStatusCode();
        (await http.PostAsJsonAsync($"/api/waves/{wave.Id}/start", new { reminderAfter = reminderAfter.ToString("c"), closeAfter = closeAfter.ToString("c") }, cancellationToken)).EnsureSuccessStatusCode();
        Log.DemoStarted(logger, wave.Id, people, reminderAfter, closeAfter);

        // Once the invitations are out (the tokens exist), complete synthetic questionnaires arrive in slices until
        // shortly before the reminder.
        while (!cancellationToken.IsCancellationRequested)
        {
            var view = await http.GetFromJsonAsync<JsonElement>($"/api/waves/{wave.Id}", cancellationToken);
            if (view.GetProperty("run") is { ValueKind: JsonValueKind.Object } run && run.TryGetProperty("progress", out var progress)
                && progress.ValueKind == JsonValueKind.Object && progress.GetProperty("phase").GetString() != "inviting")
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }

        var left = now + (reminderAfter * 0.8) - time.GetUtcNow();
        var waveSecret = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(wave.Id));
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var answers = new Random(now.Second);
        var responders = sample.Where((_, i) => i % 100 < rate * 100).ToList();
        const int Slices = 10;
        for (var s = 0; s < Slices && !cancellationToken.IsCancellationRequested; s++)
        {
            await Task.Delay(left > TimeSpan.Zero ? left / Slices : TimeSpan.Zero, cancellationToken);
            var slice = responders.Skip(s * responders.Count / Slices).Take(responders.Count / Slices).ToList();
            for (var i = 0; i < slice.Count; i++)
            {
                using var respondent = From(IPAddress.Parse($"127.0.{(i / 250) + 1}.{(i % 250) + 2}"));
                var token = AccessToken.Derive(waveSecret, wave.Id, slice[i].PersonReference).Display;
                await respondent.PostAsJsonAsync("/api/responses", new { token, answers = AnswerJson.Write(questionnaire, SyntheticAnswers.Complete(questionnaire, answers)) }, cancellationToken);
            }
        }

        Log.DemoResponses(logger, wave.Id, responders.Count);
        return wave.Id;
    }

    /// <summary>A client whose connections come from <paramref name="source"/>.</summary>
    private HttpClient From(IPAddress source) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    }) { BaseAddress = new Uri(address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal)) };
}
