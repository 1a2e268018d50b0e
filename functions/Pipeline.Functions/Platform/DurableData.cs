using Microsoft.DurableTask.Converters;

namespace Pipeline.Functions.Platform;

/// <summary>
/// One serializer for everything the task hub stores: orchestration inputs and outputs, activity inputs and results,
/// events and custom status, whether the worker's shims or the client write them: <see cref="AppJson.Web"/>.
/// </summary>
internal static class DurableData
{
    public static readonly JsonDataConverter Converter = new(AppJson.Web);
}
