using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Durable;
using Pipeline.Durable.Client;
using Pipeline.Functions.Security;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Http;

/// <summary>
/// <c>/api/durable/instances</c>: the operators' view of the durable engine. List and read instances, read
/// their history, raise events, terminate and purge. Behind the operator key.
/// </summary>
internal static class DurableApi
{
    public static IEndpointRouteBuilder MapDurableApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/durable").WithTags("Durable").AddEndpointFilter(new KeyFilter(Role.Operator));
        group.MapGet("/instances", ListAsync);
        group.MapGet("/instances/{id}", GetAsync);
        group.MapGet("/instances/{id}/history", HistoryAsync);
        var control = group.MapGroup(string.Empty).AddEndpointFilter(NotAWave);
        control.MapPost("/instances/{id}/events/{name}", RaiseAsync);
        control.MapPost("/instances/{id}/terminate", TerminateAsync);
        control.MapDelete("/instances/{id}", PurgeAsync);
        group.MapPost("/purge", PurgeManyAsync);
        return routes;
    }

    /// <summary>
    /// A wave's run is not raised, terminated or purged through the generic API: a terminated run would never close or
    /// purge its wave. Operators use the wave's own routes.
    /// </summary>
    private static async ValueTask<object?> NotAWave(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        return http.GetRouteValue("id") is string id && await http.RequestServices.GetRequiredService<WaveStore>().GetAsync(id, http.RequestAborted) is not null
            ? TypedResults.Problem(
                title: "A wave's run",
                detail: $"Instance '{id}' runs a survey wave: use POST /api/waves/{id}/events/..., /cancel, /close or /purge, so that its close and purge still happen.",
                statusCode: StatusCodes.Status409Conflict)
            : await next(context);
    }

    private static async Task<Results<Ok<OrchestrationPage>, ValidationProblem>> ListAsync(
        DurableTaskClient client, string? status, DateTimeOffset? createdFrom, DateTimeOffset? createdTo, int? pageSize, string? continuation, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(status, errors);
        if (pageSize is < 1 or > 1000)
        {
            errors["pageSize"] = ["pageSize must be between 1 and 1000."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await client.QueryInstancesAsync(new OrchestrationQuery(statuses, createdFrom, createdTo, pageSize ?? 100, continuation), cancellationToken));
        }
        catch (ArgumentException)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["continuation"] = ["continuation is not a token this API issued."] });
        }
    }

    private static async Task<Results<Ok<OrchestrationMetadata>, ProblemHttpResult>> GetAsync(DurableTaskClient client, string id, bool? showInput, CancellationToken cancellationToken) =>
        await client.GetInstanceAsync(id, showInput ?? false, cancellationToken) is { } instance
            ? TypedResults.Ok(instance)
            : NotFound(id);

    private static async Task<Results<Ok<IReadOnlyList<HistoryEvent>>, ProblemHttpResult>> HistoryAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Ok(await client.GetInstanceHistoryAsync(id, cancellationToken));
        }
        catch (OrchestrationInstanceException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RaiseAsync(DurableTaskClient client, string id, string name, HttpRequest request, CancellationToken cancellationToken)
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

        try
        {
            await client.RaiseEventAsync(id, name, data, request.Headers["Idempotency-Key"].FirstOrDefault(), cancellationToken);
            return TypedResults.Accepted($"/api/durable/instances/{id}");
        }
        catch (OrchestrationInstanceException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> TerminateAsync(DurableTaskClient client, string id, string? reason, CancellationToken cancellationToken)
    {
        try
        {
            await client.TerminateInstanceAsync(id, reason, cancellationToken);
            return TypedResults.Accepted($"/api/durable/instances/{id}");
        }
        catch (OrchestrationInstanceException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> PurgeAsync(DurableTaskClient client, string id, CancellationToken cancellationToken)
    {
        try
        {
            return await client.PurgeInstanceAsync(id, cancellationToken) ? TypedResults.NoContent() : NotFound(id);
        }
        catch (OrchestrationInstanceException e)
        {
            return Problem(e);
        }
    }

    private static async Task<Results<Ok<PurgeResult>, ValidationProblem>> PurgeManyAsync(DurableTaskClient client, DateTimeOffset? completedBefore, string? status, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var statuses = ParseStatuses(status, errors);
        if (statuses?.Any(s => !s.IsTerminal()) == true)
        {
            errors["status"] = ["Only Completed, Failed and Terminated instances can be purged."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        return TypedResults.Ok(new PurgeResult(await client.PurgeInstancesAsync(new PurgeInstancesFilter(completedBefore, statuses), cancellationToken)));
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

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(title: "Instance not found", detail: $"No instance has id '{id}'.", statusCode: StatusCodes.Status404NotFound);

    internal static ProblemHttpResult Problem(OrchestrationInstanceException e) => TypedResults.Problem(
        title: e.Problem switch
        {
            InstanceProblem.NotFound => "Instance not found",
            InstanceProblem.NotRunning => "Instance has finished",
            InstanceProblem.NotFinished => "Instance has not finished",
            _ => "Instance already running",
        },
        detail: e.Message,
        statusCode: e.Problem == InstanceProblem.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict);
}

internal sealed record PurgeResult(int Purged);
