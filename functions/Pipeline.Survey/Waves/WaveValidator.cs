using System.Text.RegularExpressions;
using Pipeline.Survey.Questionnaires;

namespace Pipeline.Survey.Waves;

/// <summary>Checks a wave definition; every wrong field gets its own entry, keyed by its JSON path.</summary>
internal static partial class WaveValidator
{
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])$")]
    private static partial Regex Slug();

    // RFC 5321's limit; checked before the pattern, so the pattern never backtracks over a long input.
    private const int MaxEmail = 254;

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex Email();

    /// <summary>True for a well-formed wave or zone id; other ids cannot exist.</summary>
    public static bool IsId(string? id) => id is not null && Slug().IsMatch(id);

    public static Dictionary<string, string[]> Validate(WaveDefinition wave)
    {
        var errors = new FieldErrors();
        if (!Slug().IsMatch(wave.Id ?? string.Empty))
        {
            errors.Add("id", "Use 3–63 lower-case letters, digits and hyphens, starting and ending with a letter or digit.");
        }

        Required(errors, "title", wave.Title, 200);
        if (wave.Zones is not { Count: > 0 })
        {
            errors.Add("zones", "Give at least one zone.");
        }

        var zoneIds = new HashSet<string>(StringComparer.Ordinal);
        for (var z = 0; z < (wave.Zones?.Count ?? 0); z++)
        {
            ValidateZone(errors, $"zones[{z}]", wave.Zones![z], zoneIds);
        }

        if (wave.Languages is not { Count: > 0 })
        {
            errors.Add("languages", "Give at least one language: nl, fr, de or en.");
        }
        else
        {
            for (var l = 0; l < wave.Languages.Count; l++)
            {
                if (!Demography.Languages.Contains(wave.Languages[l]))
                {
                    errors.Add($"languages[{l}]", $"'{wave.Languages[l]}' is not one of nl, fr, de, en.");
                }
            }

            if (wave.Languages.Distinct(StringComparer.Ordinal).Count() != wave.Languages.Count)
            {
                errors.Add("languages", "A language is listed twice.");
            }
        }

        Required(errors, "questionnaireVersion", wave.QuestionnaireVersion, 40);
        var questionnaire = QuestionnaireCatalog.Find(wave.QuestionnaireVersion);
        if (questionnaire is null && !string.IsNullOrWhiteSpace(wave.QuestionnaireVersion))
        {
            errors.Add("questionnaireVersion", $"'{wave.QuestionnaireVersion}' is not a known questionnaire; the versions are {string.Join(", ", QuestionnaireCatalog.Versions)}.");
        }

        for (var z = 0; questionnaire is not null && z < (wave.Zones?.Count ?? 0); z++)
        {
            if (wave.Zones![z]?.LocalQuestions is { Count: > 0 } local)
            {
                QuestionnaireRules.ValidateLocal(errors, $"zones[{z}].localQuestions", local, questionnaire, wave.Languages ?? []);
            }
        }
        // Letters print tokens into this address: over http they would cross the network in clear (loopback is for development).
        if (!Uri.TryCreate(wave.SurveyBaseUrl, UriKind.Absolute, out var url) || !(url.Scheme == "https" || (url.Scheme == "http" && url.IsLoopback)) || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || url.AbsolutePath != "/")
        {
            errors.Add("surveyBaseUrl", "Give the survey site's address, https without a path, query or fragment, e.g. https://survey.example.be (http only for localhost): the letter's QR code opens its token page, at /.");
        }

        if (wave.InvitationDate == default)
        {
            errors.Add("invitationDate", "Give the invitation date (yyyy-MM-dd).");
        }

        if (wave.ReminderDelayDays is < 1 or > 180)
        {
            errors.Add("reminderDelayDays", "Give 1 to 180 days.");
        }
        else if (wave.InvitationDate != default && wave.ReminderDate >= wave.EffectiveCloseDate)
        {
            errors.Add("reminderDelayDays", $"The reminder ({wave.ReminderDate:yyyy-MM-dd}) must come before the close date ({wave.EffectiveCloseDate:yyyy-MM-dd}).");
        }

        if (wave.CloseDate is { } close && wave.InvitationDate != default && close <= wave.InvitationDate)
        {
            errors.Add("closeDate", "The close date must come after the invitation date.");
        }

        Required(errors, "contact.phone", wave.Contact?.Phone, 40);
        if (wave.Contact?.Email is not { Length: <= MaxEmail } email || !Email().IsMatch(email))
        {
            errors.Add("contact.email", $"Give an e-mail address of at most {MaxEmail} characters, such as veiligheidsmonitor@example.be.");
        }

        if (wave.RetentionDays is < 0 or > 3650)
        {
            errors.Add("retentionDays", "Give 0 to 3650 days.");
        }

        if (wave.PaperCutoffDays is < 0 or > 365)
        {
            errors.Add("paperCutoffDays", "Give 0 to 365 days.");
        }
        else if (wave.PaperCutoffDays > wave.RetentionDays)
        {
            errors.Add("paperCutoffDays", $"Give at most retentionDays ({wave.RetentionDays}): the purge deletes the tokens late paper forms are checked against.");
        }

        if (wave.LettersPerBatch is < 1 or > 5000)
        {
            errors.Add("lettersPerBatch", "Give 1 to 5000 letters per file.");
        }

        return errors.ToDictionary();
    }

    private static void ValidateZone(FieldErrors errors, string path, Zone? zone, HashSet<string> zoneIds)
    {
        if (zone is null)
        {
            errors.Add(path, "A zone is missing.");
            return;
        }

        if (!Slug().IsMatch(zone.Id ?? string.Empty))
        {
            errors.Add($"{path}.id", "Use 3–63 lower-case letters, digits and hyphens.");
        }
        else if (!zoneIds.Add(zone.Id!))
        {
            errors.Add($"{path}.id", $"Zone '{zone.Id}' is listed twice.");
        }

        Required(errors, $"{path}.name", zone.Name, 200);
        if (zone.Municipalities is not { Count: > 0 })
        {
            errors.Add($"{path}.municipalities", "Give at least one municipality.");
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var m = 0; m < (zone.Municipalities?.Count ?? 0); m++)
        {
            var municipality = zone.Municipalities![m];
            var at = $"{path}.municipalities[{m}]";
            Required(errors, $"{at}.name", municipality?.Name, 200);
            if (municipality?.Name is { Length: > 0 } name && !names.Add(name))
            {
                errors.Add($"{at}.name", $"Municipality '{name}' is listed twice in this zone.");
            }

            for (var n = 0; n < (municipality?.Neighbourhoods?.Count ?? 0); n++)
            {
                Required(errors, $"{at}.neighbourhoods[{n}]", municipality!.Neighbourhoods[n], 200);
            }
        }

        var cells = new HashSet<(string, string)>();
        for (var i = 0; i < (zone.Margins?.Count ?? 0); i++)
        {
            var margin = zone.Margins![i];
            var at = $"{path}.margins[{i}]";
            if (margin is null)
            {
                errors.Add(at, "A margin is missing.");
                continue;
            }

            if (!Demography.AgeBands.Contains(margin.AgeBand))
            {
                errors.Add($"{at}.ageBand", $"'{margin.AgeBand}' is not one of {string.Join(", ", Demography.AgeBands)}.");
            }

            if (!Demography.Sexes.Contains(margin.Sex))
            {
                errors.Add($"{at}.sex", $"'{margin.Sex}' is not one of {string.Join(", ", Demography.Sexes)}.");
            }

            if (margin.Population < 0)
            {
                errors.Add($"{at}.population", "A population cannot be negative.");
            }

            if (!cells.Add((margin.AgeBand, margin.Sex)))
            {
                errors.Add(at, $"The cell {margin.AgeBand} × {margin.Sex} is listed twice.");
            }
        }
    }

    private static void Required(FieldErrors errors, string path, string? value, int max)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(path, "This field is required.");
        }
        else if (value.Length > max)
        {
            errors.Add(path, $"At most {max} characters.");
        }
    }
}
