using System.Text.Json;

namespace Pipeline.Functions.Platform;

/// <summary>
/// The one JSON shape of what the app stores (waves, responses) and passes through the task hub: the web defaults
/// (camelCase, case-insensitive reading, numbers from strings). HTTP bodies use ASP.NET Core's own (the same defaults,
/// enums as names); the aggregates' files add enums as names.
/// </summary>
internal static class AppJson
{
    public static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
}
