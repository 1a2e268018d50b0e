using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Tests;

public sealed class WaveValidatorTests
{
    private static readonly WaveDefinition Valid = SyntheticSample.Wave("vm-2026-oostende", 2, ["nl", "fr", "de", "en"], new DateOnly(2026, 3, 2));

    [Fact]
    public void Validate_GeneratedWave_NoErrors() => Assert.Empty(WaveValidator.Validate(Valid));

    [Fact]
    public void Validate_EveryWrongField_HasItsOwnEntry()
    {
        var wave = Valid with
        {
            Id = "Bad Id!",
            Title = "",
            Languages = ["nl", "xx"],
            SurveyBaseUrl = "ftp://x?y=1",
            ReminderDelayDays = 0,
            CloseDate = new DateOnly(2026, 1, 1),
            Contact = new Contact { Phone = "", Email = "nope" },
            LettersPerBatch = 0,
            Zones = [Valid.Zones[0], Valid.Zones[0] with { Margins = [new Margin("0-14", "X", -1)] }],
        };

        var errors = WaveValidator.Validate(wave);

        foreach (var key in new[]
        {
            "id", "title", "languages[1]", "surveyBaseUrl", "reminderDelayDays", "closeDate", "contact.phone", "contact.email",
            "lettersPerBatch", "zones[1].id", "zones[1].margins[0].ageBand", "zones[1].margins[0].sex", "zones[1].margins[0].population",
        })
        {
            Assert.True(errors.ContainsKey(key), $"no error for {key}; got {string.Join(", ", errors.Keys)}");
        }
    }

    [Fact]
    public void Validate_ReminderAfterClose_Refused()
    {
        var errors = WaveValidator.Validate(Valid with { ReminderDelayDays = 80 });
        Assert.Contains("before the close date", Assert.Single(errors["reminderDelayDays"]), StringComparison.Ordinal);
    }
}
