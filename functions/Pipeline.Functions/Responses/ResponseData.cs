using Pipeline.Functions.Aggregates;
using Pipeline.Functions.Waves;

namespace Pipeline.Functions.Responses;

/// <summary>
/// The storage objects of the response store: the anonymous responses and what is computed from them. With the
/// connection <c>ResponseStorage</c> set, they live in that account, and the personal data of waves (samples,
/// tokens, letters, plans) with the task hub in <c>AzureWebJobsStorage</c>: no reader role on one account reaches
/// the other's data.
/// </summary>
internal static class ResponseData
{
    public const string Connection = "ResponseStorage";

    public static IReadOnlySet<string> Containers { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        ResponseRelease.Container,
        ResponseSegments.Container,
        AggregateService.Container,
    };

    public static IReadOnlySet<string> Tables { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        RecomputeRequests.Table,
        WaveCounts.AreaCountsTable,
    };
}
