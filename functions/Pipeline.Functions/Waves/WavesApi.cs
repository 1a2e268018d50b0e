using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Pipeline.Functions.Http;
using Pipeline.Functions.Platform;
using Pipeline.Storage;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Waves;

/// <summary>
/// <c>/api/waves</c>: the operator's survey waves. Define a wave, upload its sample, start it, follow it, move its
/// timers or cancel it, and fetch its letters. Behind the operator key.
/// </summary>
internal static partial class WavesApi
{
    internal static async Task<IResult> ListAsync(HttpContext http, WaveStore store, CancellationToken ct) =>
        TypedResults.Ok((await store.ListAsync(ct)).Where(w => Security.AccessScope.Of(http).AllowsWave(w.Definition.Id)).Select(w => new WaveListItem(w.Definition.Id, w.Definition.Title, w.Phase, w.SampleSize)));

    internal static Task<IResult> CancelAsync(WaveStore store, DurableTaskClient client, string id, CancellationToken ct) => SignalAsync(store, client, id, WaveEvents.Cancel, null, ct);

    internal static async Task<IResult> CreateAsync(HttpRequest request, WaveStore store, TimeProvider time, CancellationToken ct)
    {
        var (definition, problem) = await JsonBody.ReadAsync<WaveDefinition>(request, ct, WaveStore.MaxDefinitionBytes);
        var result = problem ?? await CreateFromAsync(definition!, store, time, ct);
        if (result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status201Created })
        {
            Security.AuditTrail.About(request.HttpContext, definition!.Id);
        }

        return result;
    }

    /// <summary>Creates the wave of <paramref name="definition"/>: 201, 400 with the errors per field, or 409.</summary>
    internal static async Task<IResult> CreateFromAsync(WaveDefinition definition, WaveStore store, TimeProvider time, CancellationToken ct)
    {
        var errors = WaveValidator.Validate(definition);
        if (JsonSerializer.Serialize(definition, AppJson.Web).Length > WaveStore.MaxDefinitionChars)
        {
            errors["zones"] = [$"The definition is longer than {WaveStore.MaxDefinitionChars} characters of JSON; split the wave."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The wave definition is not valid");
        }

        try
        {
            var wave = await store.CreateAsync(definition, time.GetUtcNow(), ct);
            return TypedResults.Created($"/api/waves/{wave.Definition.Id}", wave.Definition);
        }
        catch (ConflictException)
        {
            return TypedResults.Problem(title: "Wave exists", detail: $"A wave with id '{definition.Id}' already exists.", statusCode: StatusCodes.Status409Conflict);
        }
    }

    internal static async Task<IResult> GetAsync(string id, WaveStore store, WaveCounts counts, DurableTaskClient client, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        var instance = await client.GetInstanceAsync(id, getInputsAndOutputs: true, ct);
        var (zones, smallestCell) = wave.SampleId is null ? ([], 0) : await counts.ByZoneAsync(wave, ct);
        var letters = await store.Blobs.ListAllAsync(WaveStore.LettersContainer, id + "/", ct).CountAsync(b => b.Name.EndsWith(".pdf", StringComparison.Ordinal), ct);
        return TypedResults.Ok(new WaveView(
            wave.Definition,
            wave.Phase,
            wave.SampleSize,
            wave.Purged,
            instance is null ? null : new WaveRunView(
                instance.RuntimeStatus,
                instance.SerializedCustomStatus is { } status ? JsonSerializer.Deserialize<JsonElement>(status) : null,
                instance.SerializedOutput is { } output ? JsonSerializer.Deserialize<JsonElement>(output) : null,
                instance.FailureDetails?.ErrorMessage),
            zones,
            letters,
            smallestCell));
    }

    internal static async Task<IResult> StartAsync(string id, HttpRequest request, WaveStore store, WaveStarter starter, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        var (timing, problem) = request.ContentLength is 0 or null && !request.HasJsonContentType()
            ? (new StartRequest(), null)
            : await JsonBody.ReadAsync<StartRequest>(request, ct);
        return problem ?? await StartWithAsync(id, timing!, store, starter, client, time, ct);
    }

    /// <summary>Starts wave <paramref name="id"/> with <paramref name="timing"/>: 202, 400 for timers out of order, 404 or 409.</summary>
    internal static async Task<IResult> StartWithAsync(string id, StartRequest timing, WaveStore store, WaveStarter starter, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is not { } wave)
        {
            return WaveNotFound(id);
        }

        if (wave.Phase != WavePhase.Draft)
        {
            return TypedResults.Problem(title: "Wave already started", detail: $"Wave '{id}' is {wave.Phase}; a wave starts once.", statusCode: StatusCodes.Status409Conflict);
        }

        if (wave.SampleId is null)
        {
            return TypedResults.Problem(title: "No sample", detail: $"Upload the sample first: PUT /api/waves/{id}/sample.", statusCode: StatusCodes.Status409Conflict);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var reminderAt = timing.ReminderAfter is { } r ? now + r : WaveCalendar.Morning(wave.Definition.ReminderDate);
        var closeAt = timing.CloseAfter is { } c ? now + c : WaveCalendar.EndOfDay(wave.Definition.EffectiveCloseDate);
        var errors = new Dictionary<string, string[]>();
        if (timing.ReminderAfter is { } ra && ra < TimeSpan.Zero || timing.CloseAfter is { } ca && ca <= TimeSpan.Zero)
        {
            errors[timing.ReminderAfter < TimeSpan.Zero ? "reminderAfter" : "closeAfter"] = ["Give a positive duration, e.g. \"00:02:00\"."];
        }
        else if (closeAt <= now)
        {
            errors["closeAfter"] = [$"The close ({closeAt:u}) is in the past; give closeAfter or change the wave's closeDate."];
        }
        else if (reminderAt >= closeAt)
        {
            errors["reminderAfter"] = [$"The reminder ({reminderAt:u}) must come before the close ({closeAt:u})."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The wave's timers are not valid");
        }

        if (!await starter.StartAsync(client, wave, reminderAt, closeAt, ct))
        {
            return TypedResults.Problem(title: "Wave already started", detail: $"Wave '{id}' is already running.", statusCode: StatusCodes.Status409Conflict);
        }

        var self = $"/api/waves/{id}";
        return TypedResults.Accepted(self, new StartedWave(id, self, $"/api/durable/instances/{id}", $"{self}/events/{{eventName}}", $"{self}/cancel", $"{self}/letters", reminderAt, closeAt));
    }

    internal static async Task<IResult> RaiseAsync(string id, string name, HttpRequest request, WaveStore store, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        if (!WaveEvents.All.Contains(name))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"'{name}' is not a wave event; use {string.Join(", ", WaveEvents.All)}."] });
        }

        if (name == WaveEvents.Cancel)
        {
            return await SignalAsync(store, client, id, name, null, ct);
        }

        var (change, problem) = await JsonBody.ReadAsync<TimeChange>(request, ct);
        return problem ?? await RescheduleAsync(id, name, change!, store, client, time, ct);
    }

    /// <summary>Moves the timer of event <paramref name="name"/> (a reschedule) to <paramref name="change"/>: 202, 400 for a time not in the future, 404 or 409.</summary>
    internal static async Task<IResult> RescheduleAsync(string id, string name, TimeChange change, WaveStore store, DurableTaskClient client, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        DateTime? at = change.At is { } a ? a.UtcDateTime : change.After is { } after ? now + after : null;
        if (at is not { } when || when <= now)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["at"] = ["Give a future time: \"at\" (ISO 8601 with offset) or \"after\" (e.g. \"00:05:00\")."] });
        }

        return await SignalAsync(store, client, id, name, new WaveTime(when), ct);
    }

    internal static async Task<IResult> SignalAsync(WaveStore store, DurableTaskClient client, string id, string name, WaveTime? data, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null)
        {
            return WaveNotFound(id);
        }

        if (await Instances.RunningAsync(client, id, ct) is { } problem)
        {
            return problem;
        }

        await client.RaiseEventAsync(id, name, data, ct);
        return TypedResults.Accepted($"/api/waves/{id}");
    }

    internal static ProblemHttpResult WaveNotFound(string id) =>
        TypedResults.Problem(title: "Wave not found", detail: $"No wave has id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}

internal sealed record WaveListItem(string Id, string Title, WavePhase Phase, int SampleSize);

/// <summary>
/// A wave as the operator sees it. <see cref="SmallestAttributeCell"/> is the fewest invited people who share every
/// attribute a response carries (zone, municipality, neighbourhood, age band, sex, language): before the purge, someone
/// holding both the sample and the responses narrows a response to a cell of that many people (0 once purged).
/// </summary>
internal sealed record WaveView(WaveDefinition Definition, WavePhase Phase, int SampleSize, bool Purged, WaveRunView? Run, IReadOnlyList<ZoneSummary> Zones, int LetterFiles, int SmallestAttributeCell);

internal sealed record WaveRunView(OrchestrationRuntimeStatus Status, JsonElement? Progress, JsonElement? Summary, string? Failure);

/// <summary>Optional compressed timers for demos and tests: the reminder and the close this long after the start.</summary>
internal sealed record StartRequest(TimeSpan? ReminderAfter = null, TimeSpan? CloseAfter = null);

internal sealed record TimeChange(DateTimeOffset? At = null, TimeSpan? After = null);

/// <summary>The 202 answer to a start, like Durable Functions' check-status response.</summary>
internal sealed record StartedWave(string Id, string StatusQueryGetUri, string InstanceUri, string SendEventPostUri, string CancelPostUri, string LettersUri, DateTime ReminderAt, DateTime CloseAt);
