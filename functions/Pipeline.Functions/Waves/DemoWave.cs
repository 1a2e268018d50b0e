using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Tokens;

namespace Pipeline.Functions.Waves;

/// <summary>Settings of the demo wave (section <c>Demo</c>); off unless <c>Demo:Enabled</c> is true.</summary>
internal sealed class DemoOptions
{
    public const string Section = "Demo";

    public bool Enabled { get; set; }

    [Range(1, 500_000)]
    public int People { get; set; } = 5_600;

    /// <summary>Time from the start to the reminder; default 2 minutes.</summary>
    public TimeSpan ReminderAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Time from the start to the close; default 5 minutes.</summary>
    public TimeSpan CloseAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Share of the sample that "responds" before the reminder; default 0.3.</summary>
    [Range(0.0, 1.0)]
    public double ResponseRate { get; set; } = 0.3;
}

/// <summary>
/// The demo: on start-up, a wave of one zone with a synthetic sample, compressed timers, and simulated
/// responses trickling in before the reminder, so that a newcomer sees letters, reminders and the close.
/// </summary>
internal sealed partial class DemoWave(
    WaveStore store, SampleImport import, WaveStarter starter, Durable.HubClient hub, Responses.ResponseIntake intake, IOptions<DemoOptions> demo, IOptions<WaveOptions> waves, TimeProvider time, ILogger<DemoWave> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = demo.Value;
        var now = time.GetUtcNow();
        var wave = SyntheticSample.Wave($"demo-{now:yyyyMMdd-HHmmss}", 1, ["nl", "fr"], DateOnly.FromDateTime(now.UtcDateTime)) with { Title = $"Veiligheidsmonitor {now.Year} – PZ Demo" };
        var record = await store.CreateAsync(wave, now, stoppingToken);
        var people = SyntheticSample.People(wave, options.People, seed: now.Second).ToList();
        var sample = await import.ImportAsync(record, people, stoppingToken);
        record = await import.AttachAsync(record, sample, stoppingToken) ?? record;
        await starter.StartAsync(hub, record, now.UtcDateTime + options.ReminderAfter, now.UtcDateTime + options.CloseAfter, stoppingToken);
        LogStarted(logger, wave.Id, people.Count, options.ReminderAfter, options.CloseAfter);

        // Responses (complete synthetic questionnaires, through the same intake as POST /api/responses) arrive in
        // slices until shortly before the reminder; the close releases them and the aggregates follow.
        var secret = waves.Value.WaveSecret(wave.Id);
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var answers = new Random(now.Second);
        var responders = people.Where((_, i) => i % 100 < options.ResponseRate * 100).ToList();
        var slices = 10;
        for (var s = 0; s < slices && !stoppingToken.IsCancellationRequested; s++)
        {
            await Task.Delay(options.ReminderAfter * 0.8 / slices, time, stoppingToken);
            foreach (var person in responders.Skip(s * responders.Count / slices).Take(responders.Count / slices))
            {
                var token = AccessToken.Derive(secret, wave.Id, person.PersonReference).Display;
                await intake.SubmitAsync(new Responses.Submission(token, null, null, SyntheticAnswers.Complete(questionnaire, answers), Responses.ResponseRecord.Web) { LimitPerToken = false }, stoppingToken);
            }
        }

        LogResponses(logger, wave.Id, responders.Count);
    }

    [LoggerMessage(LogLevel.Information, "Demo wave {WaveId} started with {People} synthetic people: reminder in {ReminderAfter}, close in {CloseAfter}. Follow it at GET /api/waves/{WaveId} (operator key) and its letters at /api/waves/{WaveId}/letters.")]
    private static partial void LogStarted(ILogger logger, string waveId, int people, TimeSpan reminderAfter, TimeSpan closeAfter);

    [LoggerMessage(LogLevel.Information, "Demo wave {WaveId}: {Responders} synthetic questionnaires submitted; the reminder goes to the others, the close releases them, and the aggregates follow: GET /api/waves/{WaveId}/aggregates or /dashboard/{WaveId}.")]
    private static partial void LogResponses(ILogger logger, string waveId, int responders);
}
