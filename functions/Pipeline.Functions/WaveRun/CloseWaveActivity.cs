using Microsoft.DurableTask;
using Pipeline.Functions.Responses;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>Closes a wave (its tokens stop working) and counts what it achieved per zone.</summary>
internal sealed class CloseWaveActivity(WaveStore store, ResponseRelease responses, RecomputeRequests recomputes, WaveCounts counts, TimeProvider time) : TaskActivity<CloseRequest, WaveSummary>
{
    public override async Task<WaveSummary> RunAsync(TaskActivityContext context, CloseRequest input)
    {
        var ct = CancellationToken.None;
        var wave = await WaveLifecycle.UpdateAsync(store, input.WaveId, w => w.Phase is WavePhase.Closed or WavePhase.Cancelled
            ? w
            : w with { Phase = input.Cancelled ? WavePhase.Cancelled : WavePhase.Closed, ClosedAt = time.GetUtcNow() }, ct);
        // The final release and refresh: every response submitted before the close is in the response store and the aggregates.
        await responses.ReleaseAsync(ct);
        await recomputes.AddAsync(input.WaveId, ct);
        await counts.DropRespondedFlagsAsync(input.WaveId, ct);
        var (zones, _) = await counts.ByZoneAsync(wave, ct);
        return new WaveSummary(input.Cancelled, zones.Sum(z => z.Invited), zones.Sum(z => z.Reminded), zones.Sum(z => z.Responded), zones);
    }
}
