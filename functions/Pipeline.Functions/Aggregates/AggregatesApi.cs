using System.Globalization;
using System.Text.Json;
using Pipeline.Functions.Waves;
using Pipeline.Survey;

namespace Pipeline.Functions.Aggregates;

/// <summary>The analysts' aggregates over HTTP: the areas computed, one area as JSON or CSV.</summary>
internal static class AggregatesApi
{
    private static readonly string[] Levels = [AggregateBuilder.Wave, AggregateBuilder.Zone, AggregateBuilder.Municipality, AggregateBuilder.Neighbourhood];

    /// <summary>The CSV export's columns, one row per published option (or box) of each question.</summary>
    public static readonly IReadOnlyList<string> AggregateColumns =
        ["wave", "level", "area", "computed_at", "responses", "publication", "question", "question_publication", "base", "effective_base", "dont_know", "option", "count", "percent", "share", "low", "high", "weighted_share", "weighted_low", "weighted_high"];

    /// <summary>
    /// <c>GET /api/waves/{id}/aggregates</c>: without <c>level</c>, the areas computed (those of the key's scope); with <c>level</c> and
    /// <c>area</c>, that area's aggregate as JSON, or as CSV with <c>Accept: text/csv</c> or <c>?format=csv</c>.
    /// </summary>
    internal static async Task<IResult> AggregatesAsync(string id, string? level, string? area, string? format, HttpRequest request, WaveStore store, AggregateService aggregates, CancellationToken ct)
    {
        if (await store.GetAsync(id, ct) is null)
        {
            return WavesApi.WaveNotFound(id);
        }

        if (level is null)
        {
            var scope = Security.AccessScope.Of(request.HttpContext);
            return TypedResults.Ok((await aggregates.ListAsync(id, ct)).Where(a => scope.Allows(a.Level, a.Area)).Select(a => new { level = a.Level, area = a.Area }));
        }

        if (!Levels.Contains(level) || string.IsNullOrEmpty(area) || area.Length > 600)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                [Levels.Contains(level) ? "area" : "level"] = [Levels.Contains(level) ? "Give the area: a zone id, zone/municipality or zone/municipality/neighbourhood (the wave id for level=wave)." : $"'{level}' is not one of {string.Join(", ", Levels)}."],
            });
        }

        if (await aggregates.ReadAsync(id, level, area, ct) is not { } json)
        {
            return TypedResults.Problem(title: "No aggregate", detail: $"Wave '{id}' has no {level} aggregate for '{area}' (yet): it is computed after the first responses are released.", statusCode: StatusCodes.Status404NotFound);
        }

        var csv = string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) || request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);
        return csv
            ? TypedResults.File(AggregateCsv(JsonSerializer.Deserialize<AreaAggregate>(json, AggregateService.Json)!), "text/csv; charset=utf-8", $"{id}-{level}-{Uri.EscapeDataString(area)}.csv")
            : TypedResults.File(json, "application/json");
    }

    /// <summary>The aggregate as the CSV export: one row per option of each question, then bottom-2 and top-2.</summary>
    internal static byte[] AggregateCsv(AreaAggregate aggregate) => CsvFiles.Write(AggregateColumns, AggregateRows(aggregate));

    private static IEnumerable<string[]> AggregateRows(AreaAggregate aggregate)
    {
        static string N(double? value) => value?.ToString("0.####", CultureInfo.InvariantCulture) ?? string.Empty;
        foreach (var question in aggregate.Questions)
        {
            var options = question.Options ?? [];
            var rows = options.Concat(new[] { question.Bottom2, question.Top2 }.OfType<OptionAggregate>()).ToList();
            foreach (var option in rows.Count > 0 ? rows.Cast<OptionAggregate?>() : [null])
            {
                yield return
                [
                    aggregate.Wave, aggregate.Level, aggregate.Area, aggregate.ComputedAt.ToString("O", CultureInfo.InvariantCulture),
                    aggregate.Responses?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, aggregate.Publication.ToString(), question.Id, question.Publication.ToString(),
                    question.Base?.ToString(CultureInfo.InvariantCulture) ?? string.Empty, N(question.EffectiveBase), question.DontKnow?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    option?.Code ?? string.Empty, option?.Count.ToString(CultureInfo.InvariantCulture) ?? string.Empty, option?.Percent.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                    N(option?.Share.Value), N(option?.Share.Low), N(option?.Share.High), N(option?.Weighted?.Value), N(option?.Weighted?.Low), N(option?.Weighted?.High),
                ];
            }
        }
    }
}
