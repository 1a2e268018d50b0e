using Pipeline.Durable;
using Pipeline.Functions.Orchestrations;
using Pipeline.Functions.Waves;
using Pipeline.Storage;

namespace Pipeline.Functions.Activities;

/// <summary>Closes a wave (its tokens stop working) and counts what it achieved per zone.</summary>
internal sealed class CloseWaveActivity(WaveStore store, TimeProvider time) : TaskActivity<CloseRequest, WaveSummary>
{
    public override async Task<WaveSummary> RunAsync(TaskActivityContext context, CloseRequest input)
    {
        var ct = context.CancellationToken;
        var wave = await WaveLifecycle.UpdateAsync(store, input.WaveId, w => w.Phase is WavePhase.Closed or WavePhase.Cancelled
            ? w
            : w with { Phase = input.Cancelled ? WavePhase.Cancelled : WavePhase.Closed, ClosedAt = time.GetUtcNow() }, ct);
        var zones = await CountAsync(store, wave, ct);
        return new WaveSummary(input.Cancelled, zones.Sum(z => z.Invited), zones.Sum(z => z.Reminded), zones.Sum(z => z.Responded), zones);
    }

    /// <summary>Per zone: invited, reminded, responded, opted out, and the response rate (responded / invited).</summary>
    public static async Task<List<ZoneSummary>> CountAsync(WaveStore store, WaveRecord wave, CancellationToken cancellationToken)
    {
        var zones = new List<ZoneSummary>();
        foreach (var zone in WaveStore.Groups(wave).GroupBy(g => g.Zone))
        {
            int invited = 0, reminded = 0, responded = 0, optedOut = 0;
            foreach (var group in zone)
            {
                await foreach (var row in store.Tables.QueryAllAsync(WaveStore.SampleTable, TableQuery.InPartition(group.Partition), cancellationToken))
                {
                    invited += InvitationRows.Has(row, InvitationRows.Invited) ? 1 : 0;
                    reminded += InvitationRows.Has(row, InvitationRows.Reminded) ? 1 : 0;
                    responded += InvitationRows.Has(row, InvitationRows.Responded) ? 1 : 0;
                    optedOut += InvitationRows.Has(row, InvitationRows.OptedOut) ? 1 : 0;
                }
            }

            zones.Add(new ZoneSummary(zone.Key, invited, reminded, responded, optedOut, invited == 0 ? 0 : Math.Round((double)responded / invited, 4)));
        }

        return zones;
    }
}
