using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;
using Pipeline.Functions.Platform;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Operations;

/// <summary>
/// <c>/api/durable/instances</c>: the operators' view of the durable engine. List and read instances, read
/// their history, raise events, terminate and purge. Behind the operator key.
/// </summary>
internal static class DurableApi
{
    /// <summary>
    /// A wave's run is not raised, terminated or purged through the generic API: a terminated run would never close or
    /// purge its wave. Operators use the wave's own routes.
    /// </summary>
    /// <summary>The guard that refuses the generic durable API on a wave's run.</summary>
    public static readonly IEndpointFilter NotAWaveFilter = Guard.Of(NotAWave);

    internal static async ValueTask<object?> NotAWave(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return http.GetRouteValue("id") is string id && await http.RequestServices.GetRequiredService<WaveStore>().GetAsync(id, http.RequestAborted) is not null
            ? TypedResults.Problem(
                title: "A wave's run",
                detail: $"Instance '{id}' runs a survey wave: use POST /api/waves/{id}/events/..., /cancel, /close or /purge, so that its close and purge still happen.",
                statusCode: StatusCodes.Status409Conflict)
            : await next(context);
    }

    internal static async Task<Results<Ok<InstancePage>, ValidationProblem>> ListAsync(
        DurableTaskClient client, string? status, DateTimeOffset? createdFrom, DateTimeOffset? createdTo, int? pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(status, errors);
        if (pageSize is < 1 or > 1000)
        {
            errors["pageSize"] = ["pageSize must be between 1 and 1000."];
        }

        if (continuation is not null && !Convert.TryFromBase64String(continuation, new byte[continuation.Length], out _))
        {
            errors["continuation"] = ["continuation is not a token this API issued."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var query = new OrchestrationQuery { Statuses = statuses, CreatedFrom = createdFrom, CreatedTo = createdTo, PageSize = pageSize ?? 100, ContinuationToken = continuation };
            await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuation, query.PageSize).WithCancellation(cancellationToken))
            {
                return TypedResults.Ok(new InstancePage([.. page.Values.Select(InstanceView.Of)], page.ContinuationToken));
            }

            return TypedResults.Ok(new InstancePage([], null));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or JsonException or Newtonsoft.Json.JsonException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["continuation"] = ["continuation is not a token this API issued."] });
        }
    }

    internal static async Task<Results<Ok<InstanceView>, ProblemHttpResult>> GetAsync(DurableTaskClient client, string id, bool? showInput, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(id, showInput ?? false, cancellationToken) is { } instance
            ? TypedResults.Ok(InstanceView.Of(instance))
            : Instances.NotFound(id);

    /// <summary>
    /// The instance's history events (DurableTask.Core's), in the JSON shape the backend stores them in: Newtonsoft over
    /// their data contracts, <c>EventType</c> naming each event's kind.
    /// </summary>
    internal static async Task<IResult> HistoryAsync(DurableTaskClient client, string id, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(id, cancellationToken) is null
            ? Instances.NotFound(id)
            : TypedResults.Text(Newtonsoft.Json.JsonConvert.SerializeObject(await client.GetOrchestrationHistoryAsync(id, cancellationToken)), "application/json");

    internal static async Task<Results<Accepted, ProblemHttpResult>> RaiseAsync(DurableTaskClient client, string id, string name, HttpRequest request, CancellationToken cancellationToken)
    {
        JsonElement? data;
        try
        {
            data = request.ContentLength is 0 || request.ContentType is null ? null : await request.ReadFromJsonAsync<JsonElement>(cancellationToken);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem(title: "Event data is not JSON", detail: $"The body must be JSON: {e.Message}", statusCode: StatusCodes.Status400BadRequest);
        }

        if (await Instances.RunningAsync(client, id, cancellationToken) is { } problem)
        {
            return problem;
        }

        await client.RaiseEventAsync(id, name, data, cancellationToken);
        return TypedResults.Accepted($"/api/durable/instances/{id}");
    }

    internal static async Task<Results<Accepted, ProblemHttpResult>> TerminateAsync(DurableTaskClient client, string id, string? reason, CancellationToken cancellationToken)
    {
        if (await Instances.RunningAsync(client, id, cancellationToken) is { } problem)
        {
            return problem;
        }

        await client.TerminateInstanceAsync(id, reason, cancellationToken);
        return TypedResults.Accepted($"/api/durable/instances/{id}");
    }

    internal static async Task<Results<NoContent, ProblemHttpResult>> PurgeAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.PurgeInstanceAsync(id, cancellation: cancellationToken)).PurgedInstanceCount > 0 ? TypedResults.NoContent() : Instances.NotFound(id);
        }
        catch (InvalidOperationException e)
        {
            // The client refuses an instance that has not finished, and says its status.
            return TypedResults.Problem(title: "Instance has not finished", detail: e.Message + " Terminate it first.", statusCode: StatusCodes.Status409Conflict);
        }
    }

    internal static async Task<Results<Ok<PurgeResult>, ValidationProblem>> PurgeManyAsync(DurableTaskClient client, DateTimeOffset? createdFrom, DateTimeOffset? createdTo, string? status, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(status, errors);
        if (statuses?.Any(s => s is not (OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated)) == true)
        {
            errors["status"] = ["Only Completed, Failed and Terminated instances can be purged."];
        }

        if (createdTo is null)
        {
            errors["createdTo"] = ["Give createdTo (ISO 8601): instances created before it are purged."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        statuses ??= [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        return TypedResults.Ok(await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(createdFrom, createdTo, statuses), cancellationToken));
    }

    private static List<OrchestrationRuntimeStatus>? ParseStatuses(string? status, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            return null;
        }

        var parsed = new List<OrchestrationRuntimeStatus>();
        foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var value) && Enum.IsDefined(value))
            {
                parsed.Add(value);
            }
            else
            {
                errors["status"] = [$"'{part}' is not a status; use {string.Join(", ", Enum.GetNames<OrchestrationRuntimeStatus>())}."];
            }
        }

        return parsed;
    }
}

/// <summary>An instance as the API shows it: its data as JSON, not as the strings the backend keeps.</summary>
internal sealed record InstanceView(
    string InstanceId,
    string Name,
    OrchestrationRuntimeStatus RuntimeStatus,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    JsonElement? Input,
    JsonElement? Output,
    JsonElement? CustomStatus,
    TaskFailureDetails? FailureDetails)
{
    public static InstanceView Of(OrchestrationMetadata m) => new(
        m.InstanceId, m.Name, m.RuntimeStatus, m.CreatedAt, m.LastUpdatedAt, Json(m.SerializedInput), Json(m.SerializedOutput), Json(m.SerializedCustomStatus), m.FailureDetails);

    private static JsonElement? Json(string? serialized) => serialized is null ? null : JsonSerializer.Deserialize<JsonElement>(serialized);
}

internal sealed record InstancePage(IReadOnlyList<InstanceView> Instances, string? ContinuationToken);
