using Pipeline.Survey.Questionnaires;

namespace Pipeline.Survey.Statistics;

/// <summary>One option's figures: respondents who chose it, its share of the base, unweighted and weighted.</summary>
internal sealed record OptionFigure(string Code, int Count, double WeightedCount, Share? Share, Share? WeightedShare);

/// <summary>
/// The figures of one question over a group of respondents. "Don't know" is counted apart and left out of the base
/// of every share (<see cref="BaseNote"/>); weighted intervals use the base's effective n (Kish).
/// </summary>
internal sealed record QuestionFigures(
    string QuestionId,
    int Asked,
    int Answered,
    int DontKnow,
    int Base,
    double EffectiveBase,
    IReadOnlyList<OptionFigure> Options,
    OptionFigure? Bottom2,
    OptionFigure? Top2,
    double? Mean,
    double? WeightedMean)
{
    public const string BaseNote = "Shares are of the respondents who gave an answer other than \"don't know\"; \"don't know\" is counted apart.";

    /// <summary>
    /// Figures of <paramref name="question"/> over respondents given as their answers and weight. A respondent is
    /// in <see cref="Asked"/> when skip logic asked them the question; a multiple-choice question's base is
    /// everyone asked (choosing nothing counts), a single or scale question's base is those who chose an option.
    /// </summary>
    public static QuestionFigures Compute(Questionnaire questionnaire, Question question, IReadOnlyList<(IReadOnlyDictionary<string, IReadOnlyList<string>> Answers, double Weight)> respondents)
    {
        var asked = respondents.Where(r => AnswerValidator.IsAsked(questionnaire, question, r.Answers)).ToList();
        var dk = questionnaire.DontKnowOf(question);
        var values = asked.Select(r => (Values: r.Answers.TryGetValue(question.Id, out var v) ? v : [], r.Weight)).ToList();
        var answered = values.Where(v => v.Values.Count > 0).ToList();
        var dontKnow = answered.Count(v => v.Values.Contains(dk));
        var basis = question.Type == QuestionType.Multiple ? values : answered.Where(v => !v.Values.Contains(dk)).ToList();
        var weights = basis.Select(b => b.Weight).ToArray();
        var effective = Weighting.EffectiveN(weights);
        var totalWeight = weights.Sum();

        OptionFigure Figure(string code, IReadOnlyCollection<string> codes)
        {
            var chose = basis.Where(b => b.Values.Any(codes.Contains)).ToList();
            var weighted = chose.Sum(c => c.Weight);
            return new(code, chose.Count, weighted, Wilson.Interval(chose.Count, basis.Count),
                totalWeight > 0 ? Wilson.Interval(weighted / totalWeight * effective, effective) : null);
        }

        var scale = question.Type == QuestionType.Scale && question.Scale is { } name ? questionnaire.Scales[name].Options : [];
        var options = questionnaire.OptionsOf(question).Where(o => o.Code != dk).Select(o => Figure(o.Code, [o.Code])).ToList();
        var boxes = scale.Count >= 4;
        double? Mean(Func<(IReadOnlyList<string> Values, double Weight), double> weight)
        {
            if (scale.Count == 0 || basis.Count == 0)
            {
                return null;
            }

            var position = scale.Select((o, i) => (o.Code, Value: i + 1.0)).ToDictionary(p => p.Code, p => p.Value);
            var total = basis.Sum(weight);
            return total > 0 ? basis.Sum(b => position[b.Values[0]] * weight(b)) / total : null;
        }

        return new(
            question.Id,
            asked.Count,
            answered.Count,
            dontKnow,
            basis.Count,
            effective,
            options,
            boxes ? Figure("bottom2", [scale[0].Code, scale[1].Code]) : null,
            boxes ? Figure("top2", [scale[^2].Code, scale[^1].Code]) : null,
            Mean(_ => 1),
            Mean(b => b.Weight));
    }
}
