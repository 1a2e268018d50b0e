using System.Text.Json;
using Microsoft.DurableTask.Converters;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Durable;

/// <summary>
/// One System.Text.Json serializer for everything the task hub stores: orchestration inputs and outputs, activity
/// inputs and results, events and custom status, whether the worker's shims or the client write them..
/// </summary>
internal static class DurableData
{
    /// <summary>The options: the waves' (web defaults: camelCase, case-insensitive reading).</summary>
    public static JsonSerializerOptions Options => WaveStore.Json;

    public static readonly JsonDataConverter Converter = new(Options);

}
