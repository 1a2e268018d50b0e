using System.Text.Json;
using Microsoft.DurableTask.Converters;
using Pipeline.Functions.Waves;
using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;

namespace Pipeline.Functions.Durable;

/// <summary>
/// One System.Text.Json serializer for everything the task hub stores: orchestration inputs and outputs, activity
/// inputs and results, events and custom status, whether the worker's shims or the client write them. DurableTask.Core's
/// own client would write them with Newtonsoft; <see cref="Core"/> is the same serializer in its shape.
/// </summary>
internal static class DurableData
{
    /// <summary>The options: the waves' (web defaults: camelCase, case-insensitive reading).</summary>
    public static JsonSerializerOptions Options => WaveStore.Json;

    public static readonly JsonDataConverter Converter = new(Options);

    public static readonly CoreDataConverter Core = new CoreShape();

    private sealed class CoreShape : CoreDataConverter
    {
        public override string Serialize(object value) => Converter.Serialize(value)!;

        public override string Serialize(object value, bool formatted) => Converter.Serialize(value)!;

        public override object Deserialize(string data, Type objectType) => Converter.Deserialize(data, objectType)!;
    }
}
