using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.WaveRun;

/// <summary>The operators' way to finish a wave whose run stopped (failed or terminated): the run's own close and purge, now.</summary>
internal static class WaveRunApi
{
    /// <summary>
    /// <c>POST /api/waves/{id}/close</c>: closes a wave whose run is no longer active (failed or terminated), as its run
    /// would have: tokens stop working, waiting responses are released, the counts are fixed. Idempotent; 200 with the
    /// summary. While the run is active it closes the wave itself: 409 (use <c>cancel</c> or <c>reschedule-close</c>).
    /// </summary>
    internal static async Task<IResult> CloseNowAsync(string id, WaveStore store, DurableTaskClient client, WaveEnding ending, CancellationToken ct)
    {
        if (await StalledWaveAsync(id, store, client, ct) is { } problem)
        {
            return problem;
        }

        var wave = (await store.GetAsync(id, ct))!;
        return TypedResults.Ok(await ending.CloseAsync(id, wave.Phase == WavePhase.Cancelled, ct));
    }

    /// <summary>
    /// <c>POST /api/waves/{id}/purge</c>: purges a closed wave's personal data now, whatever its retention, when its run is
    /// no longer active. Idempotent; 200 with the number of people's rows deleted. 409 while the run is active or the wave
    /// is not closed.
    /// </summary>
    internal static async Task<IResult> PurgeNowAsync(string id, WaveStore store, DurableTaskClient client, WaveEnding ending, CancellationToken ct)
    {
        if (await StalledWaveAsync(id, store, client, ct) is { } problem)
        {
            return problem;
        }

        if ((await store.GetAsync(id, ct))!.Phase is not (WavePhase.Closed or WavePhase.Cancelled))
        {
            return TypedResults.Problem(title: "Wave not closed", detail: $"Close wave '{id}' first: POST /api/waves/{id}/close.", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(new PurgeNowResult(id, await ending.PurgeAsync(id, ct)));
    }

    /// <summary>Null when the wave started and its run is not active; otherwise the problem that says why not.</summary>
    internal static async Task<ProblemHttpResult?> StalledWaveAsync(string id, WaveStore store, DurableTaskClient client, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WavesApi.WaveNotFound(id);
        }

        if (wave.Phase == WavePhase.Draft)
        {
            return TypedResults.Problem(title: "Wave not started", detail: $"Wave '{id}' has not started; there is nothing to close or purge.", statusCode: StatusCodes.Status409Conflict);
        }

        return await client.GetInstanceAsync(id, ct) is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending }
            ? TypedResults.Problem(
                title: "The wave's run is active",
                detail: $"The run of wave '{id}' closes and purges it itself; to close it now, POST /api/waves/{id}/cancel.",
                statusCode: StatusCodes.Status409Conflict)
            : null;
    }
}

internal sealed record PurgeNowResult(string WaveId, int PeopleRowsDeleted);
