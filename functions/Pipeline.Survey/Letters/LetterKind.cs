namespace Pipeline.Survey.Letters;

/// <summary>The two letters of a wave.</summary>
internal enum LetterKind
{
    Invitation,
    Reminder,
}
