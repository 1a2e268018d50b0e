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

    [Theory]
    [InlineData(0, 0, null)]
    [InlineData(14, 30, null)]
    [InlineData(30, 30, null)]
    [InlineData(7, 0, "at most retentionDays")] // the purge would delete the tokens late forms are checked against
    [InlineData(-1, 30, "0 to 365")]
    [InlineData(366, 400, "0 to 365")]
    public void Validate_PaperCutoffDays_WithinTheRetention(int cutoff, int retention, string? error)
    {
        var errors = WaveValidator.Validate(Valid with { PaperCutoffDays = cutoff, RetentionDays = retention });
        if (error is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Contains(error, Assert.Single(errors["paperCutoffDays"]), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("http://survey.example.be", false)]
    [InlineData("http://10.0.0.8", false)]
    [InlineData("https://survey.example.be", true)]
    [InlineData("http://localhost:7071", true)]
    [InlineData("http://127.0.0.1:7071", true)]
    [InlineData("https://survey.example.be/", true)]
    [InlineData("https://survey.example.be/s/", false)] // the token page is at the root
    [InlineData("https://survey.example.be/#x", false)] // the QR code puts the token after '#'
    [InlineData("https://survey.example.be/?a=1", false)]
    public void Validate_SurveyBaseUrl_HttpsSiteRootOnly_LoopbackExcepted(string url, bool accepted) =>
        Assert.Equal(accepted, !WaveValidator.Validate(Valid with { SurveyBaseUrl = url }).ContainsKey("surveyBaseUrl"));

    [Fact]
    public void Validate_HugeEmail_RefusedAtOnce()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var errors = WaveValidator.Validate(Valid with { Contact = new Contact { Phone = "+32 2 000 00 00", Email = new string('a', 1_000_000) + "@" + new string('b', 1_000_000) } });

        Assert.Contains("at most 254", Assert.Single(errors["contact.email"]), StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("x\"]{}</style><a href=//evil.example>Klik</a><style>")]
    [InlineData("a b")]
    [InlineData("code-longer-than-twenty")]
    [InlineData("")]
    public void Validate_LocalOptionCodeOutsideTheSafeSet_Refused(string code)
    {
        var text = new Dictionary<string, string> { ["nl"] = "x", ["fr"] = "x", ["de"] = "x", ["en"] = "x" };
        var local = new Questionnaires.Question
        {
            Id = "lokaal_park",
            Type = Questionnaires.QuestionType.Single,
            Text = text,
            Options = [new Questionnaires.ChoiceOption(code, text), new Questionnaires.ChoiceOption("ok_2", text)],
        };

        var errors = WaveValidator.Validate(Valid with { Zones = [Valid.Zones[0] with { LocalQuestions = [local] }, Valid.Zones[1]] });

        Assert.Contains("letters, digits", Assert.Single(errors["zones[0].localQuestions[0].options[0].code"]), StringComparison.Ordinal);
    }
}
