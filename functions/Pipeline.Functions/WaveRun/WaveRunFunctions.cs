using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// The wave's run on Durable Functions: one orchestration trigger for <see cref="WaveOrchestrator"/> and one activity
/// trigger per activity, each named as the class (the names the orchestrator calls). They run the very
/// <see cref="TaskOrchestrator{TInput,TOutput}"/> and <see cref="TaskActivity{TInput,TOutput}"/> classes that the in-process
/// twin's task hub runs (tests/Pipeline.InProcess); a test checks that every registered class has its function.
/// </summary>
internal sealed class WaveRunFunctions
{
    [Function("CloseWave")]
    public static IResult Close([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/close")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WaveRunApi.CloseNowAsync, Guard.Audited("closed now"), Guard.Operator);

    [Function("PurgeWave")]
    public static IResult Purge([HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "api/waves/{id}/purge")] HttpRequest request, [DurableClient] DurableTaskClient client) =>
        HttpFunction.Run(request, client, WaveRunApi.PurgeNowAsync, Guard.Audited("purged now"), Guard.Operator);

    [Function(nameof(WaveOrchestrator))]
    public Task<WaveSummary> Wave([OrchestrationTrigger] TaskOrchestrationContext context) =>
        new WaveOrchestrator().RunAsync(context, context.GetInput<WaveRunInput>() ?? throw new InvalidOperationException("A wave's run needs its input (WaveRunInput)."));

    [Function(nameof(PlanInvitationsActivity))]
    public Task<List<LetterJob>> PlanInvitations([ActivityTrigger] string waveId, FunctionContext context) => Run<PlanInvitationsActivity, string, List<LetterJob>>(context, waveId);

    [Function(nameof(PlanRemindersActivity))]
    public Task<List<LetterJob>> PlanReminders([ActivityTrigger] string waveId, FunctionContext context) => Run<PlanRemindersActivity, string, List<LetterJob>>(context, waveId);

    [Function(nameof(IssueLettersActivity))]
    public Task<int> IssueLetters([ActivityTrigger] LetterJob job, FunctionContext context) => Run<IssueLettersActivity, LetterJob, int>(context, job);

    [Function(nameof(CountResponsesActivity))]
    public Task<int> CountResponses([ActivityTrigger] string waveId, FunctionContext context) => Run<CountResponsesActivity, string, int>(context, waveId);

    [Function(nameof(CloseWaveActivity))]
    public Task<WaveSummary> CloseWave([ActivityTrigger] CloseRequest request, FunctionContext context) => Run<CloseWaveActivity, CloseRequest, WaveSummary>(context, request);

    [Function(nameof(PurgePersonalDataActivity))]
    public Task<int> PurgePersonalData([ActivityTrigger] string waveId, FunctionContext context) => Run<PurgePersonalDataActivity, string, int>(context, waveId);

    private static Task<TOut> Run<TActivity, TIn, TOut>(FunctionContext context, TIn input)
        where TActivity : TaskActivity<TIn, TOut>
    {
        var instance = context.BindingContext.BindingData.TryGetValue("instanceId", out var id) ? id?.ToString() : null;
        var activity = ActivatorUtilities.CreateInstance<TActivity>(context.InstanceServices);
        return activity.RunAsync(new ActivityCall(context.FunctionDefinition.Name, instance ?? string.Empty), input);
    }
}
