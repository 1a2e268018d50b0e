using System.Text.Json;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Sample;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Tests;

public sealed class QuestionnaireTests
{
    private static readonly Questionnaire Vm = QuestionnaireCatalog.Find("vm-2026.1")!;

    private static Dictionary<string, IReadOnlyList<string>> Complete() => SyntheticAnswers.Complete(Vm, new Random(7));

    [Fact]
    public void Catalog_ShippedVersion_HasEveryBlockInFourLanguages()
    {
        Assert.Equal(["nl", "fr", "de", "en"], Vm.Languages);
        Assert.Equal(["buurt", "onveiligheid", "slachtoffer", "aangifte", "contact", "oordeel", "preventie", "participatie", "achtergrond"], Vm.Blocks.Select(b => b.Id));
        Assert.All(Vm.Questions, q => Assert.All(Vm.Languages, l => Assert.False(string.IsNullOrWhiteSpace(q.Text.In(l)))));
        Assert.Equal("De politie moet de veiligheid in mijn buurt garanderen", Vm.Find("participatie_politie_garandeert")!.Text["nl"]);
        Assert.Equal(new[] { "1", "2", "3", "4", "5", "9" }, Vm.OptionsOf(Vm.Find("participatie_politie_garandeert")!).Select(o => o.Code));
        Assert.Equal("9", Vm.DontKnowOf(Vm.Find("politie_vertrouwen")!));
    }

    [Fact]
    public void Check_CompleteAnswers_Pass()
    {
        for (var seed = 0; seed < 50; seed++)
        {
            var check = AnswerValidator.Check(Vm, SyntheticAnswers.Complete(Vm, new Random(seed)));
            Assert.True(check.Ok, string.Join("; ", check.Errors.Select(e => e.Message)));
        }
    }

    [Fact]
    public void Check_EveryKindOfWrongAnswer_IsReportedAtItsField()
    {
        var answers = Complete();
        answers["slachtoffer_inbraak"] = ["2"];
        answers["aangifte_inbraak"] = ["1"];
        answers.Remove("buurt_drugs");
        answers["bestaat_niet"] = ["1"];
        answers["buurt_lawaai"] = ["7"];
        answers["achtergrond_jaren_buurt"] = ["101"];
        answers["achtergrond_opmerkingen"] = [new string('x', 501)];
        answers["preventie_maatregelen"] = ["alarm", "alarm"];
        answers["achtergrond_werk"] = ["1", "2"];

        var errors = AnswerValidator.Check(Vm, answers).Errors.ToDictionary(e => e.QuestionId, e => e.Problem);

        Assert.Equal(new Dictionary<string, AnswerProblem>
        {
            ["bestaat_niet"] = AnswerProblem.UnknownQuestion,
            ["buurt_drugs"] = AnswerProblem.Required,
            ["buurt_lawaai"] = AnswerProblem.NotAnOption,
            ["aangifte_inbraak"] = AnswerProblem.NotAsked,
            ["achtergrond_jaren_buurt"] = AnswerProblem.OutOfRange,
            ["achtergrond_opmerkingen"] = AnswerProblem.TooLong,
            ["preventie_maatregelen"] = AnswerProblem.Repeated,
            ["achtergrond_werk"] = AnswerProblem.OneValueOnly,
        }, errors);
    }

    [Fact]
    public void Check_SkipLogic_AsksReportingOnlyOfVictims()
    {
        var answers = Complete();
        answers["slachtoffer_geweld"] = ["1"];
        answers.Remove("aangifte_geweld");

        var check = AnswerValidator.Check(Vm, answers);

        Assert.Equal(("aangifte_geweld", AnswerProblem.Required), Assert.Single(check.Errors) is var e ? (e.QuestionId, e.Problem) : default);
        Assert.Equal("answers.aangifte_geweld", e.Path);
    }

    [Fact]
    public void Check_DropUnasked_KeepsTheFormLenientWhenAnEarlierAnswerChanges()
    {
        var answers = Complete();
        answers["onveilig_ooit"] = ["2"];
        answers["onveilig_hoevaak"] = ["1"];

        var check = AnswerValidator.Check(Vm, answers, dropUnasked: true);

        Assert.True(check.Ok);
        Assert.False(check.Answers.ContainsKey("onveilig_hoevaak"));
    }

    [Fact]
    public void Check_OnePage_RequiresOnlyThatPage()
    {
        var page = Vm.Blocks[0].Questions.Select(q => q.Id).ToArray();
        var answers = new Dictionary<string, IReadOnlyList<string>> { ["buurt_inbraak"] = ["2"] };

        var check = AnswerValidator.Check(Vm, answers, page);

        Assert.Equal(page.Skip(1), check.Errors.Select(e => e.QuestionId));
        Assert.All(check.Errors, e => Assert.Equal(AnswerProblem.Required, e.Problem));
    }

    [Fact]
    public void Check_WhitespaceOnlyText_CountsAsNoAnswer()
    {
        var answers = Complete();
        answers["achtergrond_jaren_buurt"] = ["   "];

        Assert.Equal(AnswerProblem.Required, Assert.Single(AnswerValidator.Check(Vm, answers).Errors).Problem);
    }

    [Fact]
    public void Json_WrongKinds_AreErrorsAtTheirField_AndTypedOnTheWayOut()
    {
        using var doc = JsonDocument.Parse("""{ "a": {"x":1}, "b": true, "c": 1.5, "d": [1], "e": null, "buurt_inbraak": "2", "achtergrond_jaren_buurt": 12 }""");
        var errors = new FieldErrors();

        var answers = AnswerJson.Read(doc.RootElement, errors);

        Assert.Equal(["answers.a", "answers.b", "answers.c", "answers.d"], errors.ToDictionary().Keys.Order());
        Assert.Equal(["12"], answers["achtergrond_jaren_buurt"]);
        Assert.Empty(answers["e"]);
        var typed = AnswerJson.Write(Vm, answers).ToJsonString();
        Assert.Equal("""{"buurt_inbraak":"2","achtergrond_jaren_buurt":12}""", typed);
    }

    [Fact]
    public void Rules_BrokenDefinition_NamesEveryWrongField()
    {
        var broken = Vm with
        {
            Blocks =
            [
                new Block
                {
                    Id = "x",
                    Title = new Dictionary<string, string> { ["nl"] = "X" },
                    Questions =
                    [
                        new Question { Id = "Bad Id", Type = QuestionType.Single, Text = Vm.Blocks[0].Questions[0].Text, Scale = "yesno" },
                        new Question { Id = "later", Type = QuestionType.Scale, Text = Vm.Blocks[0].Questions[0].Text, Scale = "nope", AskIf = new Condition("later2", ["1"]) },
                        new Question { Id = "n", Type = QuestionType.Number, Text = Vm.Blocks[0].Questions[0].Text, Min = 5, Max = 1 },
                        new Question { Id = "t", Type = QuestionType.Text, Text = Vm.Blocks[0].Questions[0].Text, AskIf = new Condition("n", ["1"]) },
                    ],
                },
            ],
        };

        var errors = QuestionnaireRules.Validate(broken);

        Assert.Equal(
            ["blocks[0].questions[0].id", "blocks[0].questions[1].askIf.question", "blocks[0].questions[1].scale", "blocks[0].questions[2].max", "blocks[0].questions[3].askIf.in", "blocks[0].questions[3].maxLength", "blocks[0].title.de", "blocks[0].title.en", "blocks[0].title.fr"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void WaveValidator_UnknownVersionAndBadLocalQuestion_AreReported()
    {
        var wave = SyntheticSample.Wave("vm-2026-local", 1, ["nl", "fr"], new DateOnly(2026, 3, 2));
        var local = new Question { Id = "lokaal_park", Type = QuestionType.Scale, Scale = "agree5", Text = new Dictionary<string, string> { ["nl"] = "Het park is veilig" } };
        var duplicate = local with { Id = "buurt_inbraak", Text = new Dictionary<string, string> { ["nl"] = "x", ["fr"] = "x" } };

        var errors = WaveValidator.Validate(wave with { Zones = [wave.Zones[0] with { LocalQuestions = [local, duplicate] }] });
        var unknown = WaveValidator.Validate(wave with { QuestionnaireVersion = "vm-1999" });

        Assert.Equal(["zones[0].localQuestions[0].text.fr", "zones[0].localQuestions[1].id"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("vm-2026.1", Assert.Single(unknown["questionnaireVersion"]), StringComparison.Ordinal);
    }

    [Fact]
    public void QuestionnaireFor_Zone_PutsLocalQuestionsBeforeBackground()
    {
        var wave = SyntheticSample.Wave("vm-2026-local", 1, ["nl"], new DateOnly(2026, 3, 2));
        var local = new Question { Id = "lokaal_park", Type = QuestionType.Scale, Scale = "agree5", Text = new Dictionary<string, string> { ["nl"] = "Het park is veilig" } };
        wave = wave with { Zones = [wave.Zones[0] with { LocalQuestions = [local] }] };

        var q = wave.QuestionnaireFor(wave.Zones[0].Id)!;

        Assert.Equal([Questionnaire.LocalBlockId, "achtergrond"], q.Blocks.TakeLast(2).Select(b => b.Id));
        Assert.Equal(AnswerProblem.Required, Assert.Single(AnswerValidator.Check(q, SyntheticAnswers.Complete(Vm, new Random(1))).Errors).Problem);
    }
}
