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

    /// <summary>Until when paper forms are taken after the close (posted before it, they arrive later); null unless closed (a cancelled wave takes none).</summary>
    public DateTimeOffset? PaperUntil => Phase == WavePhase.Closed && ClosedAt is { } closed ? closed.AddDays(Definition.PaperCutoffDays) : null;

    /// <summary>Whether the wave takes paper forms at <paramref name="now"/>: in fieldwork, and after the close until <see cref="PaperUntil"/>.</summary>
    public bool TakesPaper(DateTimeOffset now) => !Purged && (Phase == WavePhase.Fieldwork || now < PaperUntil);

    /// <summary>True once names and addresses were purged.</summary>
    public bool Purged { get; init; }

    /// <summary>Every sample upload that staged rows for this wave and was not yet discarded (the current one too).</summary>
    public IReadOnlyList<string> StagedSamples { get; init; } = [];

    /// <summary>
    /// True once the reminder list is fixed (or the wave closed): from then on no person's row says "responded"; the
    /// responses per area are counted in the response store.
    /// </summary>
    public bool RespondedFlagsDropped { get; init; }

    /// <summary>True once the per-area counts were written to table <c>AreaCounts</c> for the purge: they are read there.</summary>
    public bool CountsFixed { get; init; }

    public string? ETag { get; init; }

    public int SampleSize => SampleCounts.Values.Sum();
}
