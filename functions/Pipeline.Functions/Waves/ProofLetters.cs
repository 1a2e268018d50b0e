using System.Security.Cryptography;
using Pipeline.Survey.Letters;
using Pipeline.Survey.Tokens;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Waves;

/// <summary>
/// The letters of a wave as the run prints them (<see cref="BatchOf"/>), and its proof before the start: one letter of a
/// kind per language of the wave, to a made-up person, with a token under a random key that no wave knows.
/// </summary>
internal static class ProofLetters
{
    /// <summary>
    /// The batch header of a kind of letter of <paramref name="zoneId"/>, dated <paramref name="letterDate"/>; a reminder
    /// encloses the zone's paper questionnaire unless the wave says not to.
    /// </summary>
    public static LetterBatch BatchOf(WaveDefinition definition, LetterKind kind, string zoneId, DateOnly letterDate, string fileName) => new(
        kind,
        definition.Title,
        definition.Zones.First(z => z.Id == zoneId).Name,
        definition.SurveyBaseUrl,
        letterDate,
        definition.EffectiveCloseDate,
        definition.Contact.Phone,
        definition.Contact.Email,
        fileName,
        kind == LetterKind.Reminder && definition.EncloseQuestionnaire ? definition.QuestionnaireFor(zoneId) : null);

    /// <summary>The proof of <paramref name="kind"/>: a PDF of one letter per language, for the first zone.</summary>
    public static byte[] Render(WaveDefinition definition, LetterKind kind, DateOnly today)
    {
        var zone = definition.Zones[0];
        var municipality = zone.Municipalities.Count > 0 ? zone.Municipalities[0].Name : zone.Name;
        var unknownKey = RandomNumberGenerator.GetBytes(32);
        var letters = definition.Languages.Select((language, i) =>
        {
            var token = AccessToken.Derive(unknownKey, definition.Id, "proof-" + language);
            return new Letter(i + 1, language, "Voorbeeld Persoon", ["Voorbeeldstraat 1", string.Empty], "1000", municipality, token.Display, token.Value);
        }).ToList();
        using var pdf = new MemoryStream();
        LetterRenderer.Render(BatchOf(definition, kind, zone.Id, kind == LetterKind.Invitation ? definition.InvitationDate : today, $"proof-{kind}.pdf".ToLowerInvariant()), letters, pdf);
        return pdf.ToArray();
    }
}
