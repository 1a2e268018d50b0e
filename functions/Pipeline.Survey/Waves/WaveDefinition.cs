using Pipeline.Survey.Questionnaires;

namespace Pipeline.Survey.Waves;

/// <summary>What an operator defines for one survey wave. Dates are calendar days in Europe/Brussels.</summary>
internal sealed record WaveDefinition
{
    public string Id { get; init; } = string.Empty;

    public string Title { get; init; } = string.Empty;

    public IReadOnlyList<Zone> Zones { get; init; } = [];

    /// <summary>Letter and form languages: any of nl, fr, de, en.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    public string QuestionnaireVersion { get; init; } = string.Empty;

    /// <summary>The survey address printed on letters; the token is appended as <c>/s/{token}</c> for the QR code.</summary>
    public string SurveyBaseUrl { get; init; } = string.Empty;

    public DateOnly InvitationDate { get; init; }

    /// <summary>Days from the invitation to the reminder; default 21.</summary>
    public int ReminderDelayDays { get; init; } = 21;

    /// <summary>Last day to answer; default 70 days after the invitation.</summary>
    public DateOnly? CloseDate { get; init; }

    public Contact Contact { get; init; } = new();

    /// <summary>Days after the close before names and addresses are purged; default 0.</summary>
    public int RetentionDays { get; init; }

    /// <summary>
    /// Days after the close during which paper forms are still taken (posted before the close, they arrive later); default
    /// 0. At most <see cref="RetentionDays"/>: the purge deletes the tokens a late form is checked against.
    /// </summary>
    public int PaperCutoffDays { get; init; }

    /// <summary>Letters per PDF file; default 500.</summary>
    public int LettersPerBatch { get; init; } = 500;

    public DateOnly EffectiveCloseDate => CloseDate ?? InvitationDate.AddDays(70);

    public DateOnly ReminderDate => InvitationDate.AddDays(ReminderDelayDays);

    /// <summary>Whether the reminder pack encloses the paper questionnaire in the person's language (as in Belgium in 2024).</summary>
    public bool EncloseQuestionnaire { get; init; } = true;

    /// <summary>The questionnaire a zone's respondents answer: the wave's version plus the zone's own questions.</summary>
    public Questionnaire? QuestionnaireFor(string zoneId) =>
        QuestionnaireCatalog.Find(QuestionnaireVersion)?.WithLocalQuestions(Zones.FirstOrDefault(z => z.Id == zoneId)?.LocalQuestions ?? []);
}

internal sealed record Zone
{
    public string Id { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    public IReadOnlyList<Municipality> Municipalities { get; init; } = [];

    /// <summary>Population per age band and sex, for weighting.</summary>
    public IReadOnlyList<Margin> Margins { get; init; } = [];

    /// <summary>The zone's own questions, asked on one page before the background questions.</summary>
    public IReadOnlyList<Question> LocalQuestions { get; init; } = [];
}

internal sealed record Municipality
{
    public string Name { get; init; } = string.Empty;

    public IReadOnlyList<string> Neighbourhoods { get; init; } = [];
}

internal sealed record Margin(string AgeBand, string Sex, int Population);

internal sealed record Contact
{
    public string Phone { get; init; } = string.Empty;

    public string Email { get; init; } = string.Empty;
}
