using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Waves;

/// <summary>The stored state of a wave: its definition, phase and current sample.</summary>
internal sealed record WaveRecord(WaveDefinition Definition, WavePhase Phase, DateTimeOffset CreatedAt)
{
    /// <summary>The upload whose rows are the wave's sample; null before the first upload.</summary>
    public string? SampleId { get; init; }

    /// <summary>Sampled people per zone and language, keyed "zone|language".</summary>
    public IReadOnlyDictionary<string, int> SampleCounts { get; init; } = new Dictionary<string, int>();

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? ClosedAt { get; init; }

    /// <summary>True once names and addresses were purged.</summary>
    public bool Purged { get; init; }

    public string? ETag { get; init; }

    public int SampleSize => SampleCounts.Values.Sum();
}
