using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Responses;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Benchmarks;

/// <summary>
/// One zone with <c>responses</c> released responses: the time of the recompute the trigger runs (read every
/// response blob, rake, compute every area, write every aggregate), three times.
/// </summary>
internal static class AggregatesBenchmark
{
    public static async Task<string> RunAsync(IServiceProvider services, int responses)
    {
        var (wave, tokens) = await ResponsesBenchmark.OpenWaveAsync(services, responses);
        var questionnaire = wave.QuestionnaireFor(wave.Zones[0].Id)!;
        var intake = services.GetRequiredService<ResponseIntake>();
        await Parallel.ForAsync(0, responses, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            var result = await intake.SubmitAsync(new Submission(tokens[i], null, null, SyntheticAnswers.Complete(questionnaire, new Random(i)), ResponseRecord.Web) { LimitPerToken = false }, ct);
            if (result.Status != IntakeStatus.Stored)
            {
                throw new InvalidOperationException($"Submission {i}: {result.Status}");
            }
        });
        await services.GetRequiredService<ResponseRelease>().ReleaseAsync(default);

        var aggregates = services.GetRequiredService<AggregateService>();
        var runs = new List<double>();
        for (var run = 0; run < 3; run++)
        {
            var clock = Stopwatch.StartNew();
            var read = await aggregates.RecomputeAsync(wave.Id, default);
            runs.Add(clock.Elapsed.TotalSeconds);
            if (read != responses)
            {
                throw new InvalidOperationException($"The recompute read {read} responses, not {responses}.");
            }
        }

        var areas = (await aggregates.ListAsync(wave.Id, default)).Count;
        return string.Create(CultureInfo.InvariantCulture,
            $"aggregates: 1 zone, {responses} responses, {areas} areas: recompute {string.Join(", ", runs.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))} s (median {runs.Order().ElementAt(1):F2} s = {responses / runs.Order().ElementAt(1):F0} responses/s)");
    }
}
