using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Statistics;

namespace Pipeline.Survey.Tests;

/// <summary>Tallies add up: the figures of a union of groups are the figures of the sum of their tallies.</summary>
public sealed class QuestionTallyTests
{
    private static readonly Questionnaire Vm = QuestionnaireCatalog.Find("vm-2026.1")!;

    [Fact]
    public void SumOfGroupTallies_GivesTheFiguresOfAllRespondents_ForEveryQuestion()
    {
        var random = new Random(7);
        var respondents = Enumerable.Range(0, 600)
            .Select(i => ((IReadOnlyDictionary<string, IReadOnlyList<string>>)SyntheticAnswers.Complete(Vm, new Random(i)), 0.2 + (random.NextDouble() * 3)))
            .ToList();
        foreach (var question in Vm.Questions.Where(q => q.Type != QuestionType.Text))
        {
            var whole = QuestionFigures.Compute(Vm, question, respondents);
            var sum = new QuestionTally(Vm, question);
            foreach (var group in respondents.Chunk(97))
            {
                var part = new QuestionTally(Vm, question);
                foreach (var (answers, weight) in group)
                {
                    part.Add(answers, weight);
                }

                sum.Add(part);
            }

            var summed = sum.Figures();
            Assert.Equal((whole.Asked, whole.Answered, whole.DontKnow, whole.Base), (summed.Asked, summed.Answered, summed.DontKnow, summed.Base));
            Assert.Equal(whole.EffectiveBase, summed.EffectiveBase, 6);
            Assert.Equal(whole.Options.Select(o => o.Count), summed.Options.Select(o => o.Count));
            Assert.Equal(whole.Options.Select(o => o.WeightedCount), summed.Options.Select(o => o.WeightedCount), (a, b) => Math.Abs(a - b) < 1e-6);
            Assert.Equal(whole.Top2?.Count, summed.Top2?.Count);
            Assert.Equal(whole.WeightedMean ?? 0, summed.WeightedMean ?? 0, 6);
        }
    }
}
