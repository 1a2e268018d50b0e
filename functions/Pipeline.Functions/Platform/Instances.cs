using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;

namespace Pipeline.Functions.Platform;

/// <summary>The task hub's instances as the HTTP API answers about them: found or not, finished or not.</summary>
internal static class Instances
{
    /// <summary>Null when the instance exists and has not finished; otherwise the problem (404 or 409).</summary>
    internal static async Task<ProblemHttpResult?> RunningAsync(DurableTaskClient client, string id, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(id, cancellationToken) switch
        {
            null => NotFound(id),
            { IsCompleted: true } done => TypedResults.Problem(title: "Instance has finished", detail: $"Instance '{id}' is {done.RuntimeStatus}.", statusCode: StatusCodes.Status409Conflict),
            _ => null,
        };

    public static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
