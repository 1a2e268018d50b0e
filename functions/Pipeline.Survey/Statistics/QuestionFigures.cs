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
        var tally = new QuestionTally(questionnaire, question);
        foreach (var (answers, weight) in respondents)
        {
            tally.Add(answers, weight);
        }

        return tally.Figures();
    }
}

/// <summary>
/// The sums behind a question's <see cref="QuestionFigures"/> over a group of respondents. They add up: the tally of
/// a union of groups is the sum of their tallies, so every area level of a wave comes from one pass over the
/// responses (by neighbourhood) and sums.
/// </summary>
internal sealed class QuestionTally
{
    private readonly Questionnaire _questionnaire;
    private readonly Question _question;
    private readonly string? _dontKnowCode;
    private readonly string[] _codes;
    private readonly int _scale;
    private readonly int[] _counts;
    private readonly double[] _weighted;
    private int _asked;
    private int _answered;
    private int _dontKnow;
    private int _base;
    private double _weight;
    private double _squares;

    public QuestionTally(Questionnaire questionnaire, Question question)
    {
        _questionnaire = questionnaire;
        _question = question;
        _dontKnowCode = questionnaire.DontKnowOf(question);
        _codes = [.. questionnaire.OptionsOf(question).Select(o => o.Code).Where(c => c != _dontKnowCode)];
        _scale = question.Type == QuestionType.Scale && question.Scale is { } name ? questionnaire.Scales[name].Options.Count : 0;
        _counts = new int[_codes.Length];
        _weighted = new double[_codes.Length];
    }

    /// <summary>Counts one respondent.</summary>
    public void Add(IReadOnlyDictionary<string, IReadOnlyList<string>> answers, double weight)
    {
        if (!AnswerValidator.IsAsked(_questionnaire, _question, answers))
        {
            return;
        }

        _asked++;
        var values = answers.TryGetValue(_question.Id, out var v) ? v : [];
        var dontKnow = values.Count > 0 && _dontKnowCode is not null && values.Contains(_dontKnowCode);
        _answered += values.Count > 0 ? 1 : 0;
        _dontKnow += dontKnow ? 1 : 0;
        if (_question.Type != QuestionType.Multiple && (values.Count == 0 || dontKnow))
        {
            return;
        }

        _base++;
        _weight += weight;
        _squares += weight * weight;
        for (var i = 0; i < _codes.Length; i++)
        {
            if (values.Contains(_codes[i]))
            {
                _counts[i]++;
                _weighted[i] += weight;
            }
        }
    }

    /// <summary>Adds another group's tally of the same question.</summary>
    public void Add(QuestionTally other)
    {
        _asked += other._asked;
        _answered += other._answered;
        _dontKnow += other._dontKnow;
        _base += other._base;
        _weight += other._weight;
        _squares += other._squares;
        for (var i = 0; i < _codes.Length; i++)
        {
            _counts[i] += other._counts[i];
            _weighted[i] += other._weighted[i];
        }
    }

    public QuestionFigures Figures()
    {
        var effective = _squares == 0 ? 0 : _weight * _weight / _squares;
        OptionFigure Figure(string code, int count, double weighted) =>
            new(code, count, weighted, Wilson.Interval(count, _base), _weight > 0 ? Wilson.Interval(weighted / _weight * effective, effective) : null);

        // A scale question has one value per respondent, so its boxes and mean follow from the option counts.
        var boxes = _scale >= 4;
        double? Mean(Func<int, double> amount)
        {
            if (_scale == 0 || _base == 0)
            {
                return null;
            }

            var total = Enumerable.Range(0, _scale).Sum(amount);
            return total > 0 ? Enumerable.Range(0, _scale).Sum(i => (i + 1) * amount(i)) / total : null;
        }

        return new(
            _question.Id,
            _asked,
            _answered,
            _dontKnow,
            _base,
            effective,
            [.. _codes.Select((code, i) => Figure(code, _counts[i], _weighted[i]))],
            boxes ? Figure("bottom2", _counts[0] + _counts[1], _weighted[0] + _weighted[1]) : null,
            boxes ? Figure("top2", _counts[_scale - 2] + _counts[_scale - 1], _weighted[_scale - 2] + _weighted[_scale - 1]) : null,
            Mean(i => _counts[i]),
            Mean(i => _weighted[i]));
    }
}
