using Pipeline.Survey.Letters;

namespace Pipeline.Functions.WaveRun;

/// <summary>
/// One PDF batch to issue: its letters are rows <c>From..To</c> of a group of the sample upload <c>SampleId</c>
/// (invitations), or the batch's rows of the reminder plan.
/// </summary>
internal sealed record LetterJob(string WaveId, string SampleId, LetterKind Kind, string Zone, string Language, int Batch, int From, int To);

/// <summary>The wave's custom status, shown to operators.</summary>
internal sealed record WaveProgress(string Phase, int LettersIssued, int RemindersIssued, int Responses, DateTime? NextTimer, DateTime? CloseAt);

/// <summary>Asks <see cref="CloseWaveActivity"/> to close a wave.</summary>
internal sealed record CloseRequest(string WaveId, bool Cancelled);
