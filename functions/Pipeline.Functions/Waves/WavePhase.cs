namespace Pipeline.Functions.Waves;

/// <summary>Where a wave is in its life.</summary>
internal enum WavePhase
{
    /// <summary>Defined; the sample may be uploaded and replaced.</summary>
    Draft,

    /// <summary>Started: letters go out; the sample is fixed.</summary>
    Fieldwork,

    /// <summary>Closed at its close date: tokens no longer work.</summary>
    Closed,

    /// <summary>Cancelled by an operator: tokens no longer work.</summary>
    Cancelled,
}
