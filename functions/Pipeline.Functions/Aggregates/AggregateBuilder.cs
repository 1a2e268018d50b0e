using System.Globalization;
using Pipeline.Functions.Waves;
using Pipeline.Survey.Questionnaires;
using Pipeline.Survey.Statistics;
using Pipeline.Survey.Waves;

namespace Pipeline.Functions.Aggregates;

/// <summary>An area's respondents and invitations, before any figure.</summary>
internal sealed record AreaRespondents(string Level, string Area, string? Parent, string? Zone, List<int> Members, AreaInvitations Invitations);

/// <summary>
/// Builds every area's aggregate of a wave from its responses: weights raked per zone (age band x sex to the
/// zone's margins), figures per question, primary and complementary suppression among sibling areas, the
/// response rate, and each zone against the other zones.
/// </summary>
internal static class AggregateBuilder
{
    public const string Wave = "wave";
    public const string Zone = "zone";
    public const string Municipality = "municipality";
    public const string Neighbourhood = "neighbourhood";

    public static IReadOnlyList<AreaAggregate> Build(
        WaveDefinition wave,
        IReadOnlyList<ResponseFacts> responses,
        IReadOnlyDictionary<(string Zone, string Municipality, string Neighbourhood), AreaInvitations> invited,
        DateTimeOffset now,
        SuppressionOptions suppression,
        RakingOptions raking,
        IReadOnlyDictionary<string, AreaAggregate>? previous = null)
    {
        var answers = responses.Select(r => r.Answers).ToArray();
        var weights = new double[responses.Count];
        var weighting = new Dictionary<string, WeightingSummary>(StringComparer.Ordinal);
        var inZone = Enumerable.Range(0, responses.Count).ToLookup(i => responses[i].Zone, StringComparer.Ordinal);
        foreach (var zone in wave.Zones)
        {
            var members = inZone[zone.Id].ToArray();
            var result = Weighting.Rake([.. members.Select(i => (responses[i].AgeBand, responses[i].Sex))], [.. zone.Margins.Select(m => (m.AgeBand, m.Sex, (double)m.Population))], raking);
            for (var k = 0; k < members.Length; k++)
            {
                weights[members[k]] = result.Weights[k];
            }

            weighting[zone.Id] = new WeightingSummary(
                string.Create(CultureInfo.InvariantCulture, $"raking of age band x sex to the zone's population margins, weights trimmed at {raking.TrimFactor}x the mean"),
                result.Converged, result.Iterations, result.DesignEffect, result.EffectiveN);
        }

        var areas = Areas(wave, responses, invited);
        var figures = Figures(wave, responses, answers, weights, areas);
        var areaPublication = new Dictionary<string, Publication>(StringComparer.Ordinal);
        var questionPublication = new Dictionary<(string Area, string Question), Publication>();
        foreach (var siblings in areas.GroupBy(a => (a.Level, a.Parent)))
        {
            var list = siblings.ToList();
            var published = Suppression.Siblings([.. list.Select(a => a.Members.Count)], suppression);
            for (var i = 0; i < list.Count; i++)
            {
                areaPublication[Key(list[i])] = published[i];
            }

            foreach (var question in list.SelectMany(a => figures[Key(a)]).Select(f => f.Figures.QuestionId).Distinct())
            {
                var withIt = list.Where(a => figures[Key(a)].Any(f => f.Figures.QuestionId == question)).ToList();
                var bases = withIt.Select(a => figures[Key(a)].First(f => f.Figures.QuestionId == question).Figures.Base).ToList();
                var questionPublished = Suppression.Siblings(bases, suppression);
                for (var i = 0; i < withIt.Count; i++)
                {
                    var area = areaPublication[Key(withIt[i])] == Publication.Suppressed ? Publication.Suppressed : questionPublished[i];
                    questionPublication[(Key(withIt[i]), question)] = area;
                }
            }
        }

        return [.. areas.Select(area =>
        {
            var key = Key(area);
            // Over the net sample: whose letter came back undeliverable was never reached (AAPOR's eligible cases).
            var net = area.Invitations.NetSample;
            var rate = net > 0 ? Wilson.Interval(Math.Min(area.Members.Count, net), net) : null;
            var questions = figures[key].Select(f => questionPublication[(key, f.Figures.QuestionId)] == Publication.Suppressed
                ? QuestionAggregate.Suppressed(f.Figures.QuestionId)
                : Publish(f.Figures, questionPublication[(key, f.Figures.QuestionId)], area, areas, figures) with
                {
                    Top2AgainstPreviousWave = area.Level == Zone && previous?.GetValueOrDefault(area.Area) is { } before ? Trend(f.Figures, before) : null,
                }).ToList();
            var suppressed = areaPublication[key] == Publication.Suppressed;
            return new AreaAggregate(wave.Id, area.Level, area.Area, area.Parent, now, suppressed ? null : area.Members.Count, suppressed ? null : area.Invitations.Invited,
                suppressed ? null : rate, areaPublication[key], area.Level == Zone && !suppressed ? weighting[area.Area] : null, suppressed ? [] : questions)
            {
                ResponsesBelow = suppressed ? suppression.Minimum : null,
                NetSample = suppressed ? null : net,
                OnPaper = suppressed ? null : ModeCount(area.Members.Count(i => responses[i].OnPaper), area.Members.Count, suppression.Minimum),
                PreviousWave = area.Level == Zone ? previous?.GetValueOrDefault(area.Area)?.Wave : null,
                ResponsesPerDay = suppressed || area.Level is not (Wave or Zone) ? null
                    : area.Members.GroupBy(i => responses[i].Day).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), g => g.Count()),
            };
        })];
    }

    /// <summary>
    /// Every area's figures per question (text questions have none): one tally per question and neighbourhood, in
    /// parallel over zones, summed up to municipalities, zones and the wave. A response whose municipality or
    /// neighbourhood is not in the definition counts in its zone and the wave only, as in <see cref="Areas"/>.
    /// </summary>
    private static Dictionary<string, List<(QuestionFigures Figures, Question Question)>> Figures(
        WaveDefinition wave, IReadOnlyList<ResponseFacts> responses, IReadOnlyDictionary<string, IReadOnlyList<string>>[] answers, double[] weights, List<AreaRespondents> areas)
    {
        var baseQuestionnaire = QuestionnaireCatalog.Find(wave.QuestionnaireVersion)!;
        Questionnaire QuestionnaireOf(string? zone) => zone is not null && wave.Zones.Any(z => z.Id == zone) ? wave.QuestionnaireFor(zone)! : baseQuestionnaire;
        static IEnumerable<Question> Counted(Questionnaire q) => q.Questions.Where(x => x.Type != QuestionType.Text);

        var groups = Enumerable.Range(0, responses.Count)
            .GroupBy(i => (responses[i].Zone, responses[i].Municipality, responses[i].Neighbourhood))
            .ToList();
        var tallies = new System.Collections.Concurrent.ConcurrentDictionary<(string Zone, string Municipality, string Neighbourhood), Dictionary<string, QuestionTally>>();
        Parallel.ForEach(groups, group =>
        {
            var questionnaire = QuestionnaireOf(group.Key.Zone);
            var byQuestion = new Dictionary<string, QuestionTally>(StringComparer.Ordinal);
            foreach (var question in Counted(questionnaire))
            {
                var tally = new QuestionTally(questionnaire, question);
                foreach (var i in group)
                {
                    tally.Add(answers[i], weights[i]);
                }

                byQuestion[question.Id] = tally;
            }

            tallies[group.Key] = byQuestion;
        });

        var byArea = tallies
            .SelectMany(t => new[]
            {
                (Key: $"{Zone}:{t.Key.Zone}", t.Value),
                (Key: $"{Municipality}:{t.Key.Zone}/{t.Key.Municipality}", t.Value),
                (Key: $"{Neighbourhood}:{t.Key.Zone}/{t.Key.Municipality}/{t.Key.Neighbourhood}", t.Value),
            })
            .ToLookup(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var figures = new Dictionary<string, List<(QuestionFigures Figures, Question Question)>>(StringComparer.Ordinal);
        foreach (var area in areas)
        {
            var questionnaire = QuestionnaireOf(area.Zone);
            var list = area.Level == Wave ? [.. tallies.Values] : byArea[Key(area)].ToList();
            figures[Key(area)] = [.. Counted(questionnaire).Select(question =>
            {
                var sum = new QuestionTally(questionnaire, question);
                foreach (var part in list)
                {
                    sum.Add(part[question.Id]);
                }

                return (sum.Figures(), question);
            })];
        }

        return figures;
    }

    /// <summary>The area's key in its level: a zone id, "zone/municipality" or "zone/municipality/neighbourhood".</summary>
    public static string Key(AreaRespondents area) => area.Level + ":" + area.Area;

    private static QuestionAggregate Publish(QuestionFigures f, Publication publication, AreaRespondents area, List<AreaRespondents> areas, Dictionary<string, List<(QuestionFigures Figures, Question Question)>> figures)
    {
        Difference? against = null;
        if (area.Level == Zone && f.Top2?.WeightedShare is { } top)
        {
            var others = areas.Where(a => a.Level == Zone && a.Area != area.Area)
                .Select(a => figures[Key(a)].FirstOrDefault(x => x.Figures.QuestionId == f.QuestionId).Figures)
                .Where(o => o?.Top2?.WeightedShare is not null).ToList();
            var otherN = others.Sum(o => o!.EffectiveBase);
            if (otherN > 0)
            {
                var otherShare = others.Sum(o => o!.Top2!.WeightedShare!.Value * o.EffectiveBase) / otherN;
                against = Comparison.Compare(top.Value, f.EffectiveBase, otherShare, otherN);
            }
        }

        return new(f.QuestionId, publication, f.Asked, f.Base, f.DontKnow, f.EffectiveBase,
            [.. f.Options.Select(OptionAggregate.From).OfType<OptionAggregate>()],
            OptionAggregate.From(f.Bottom2), OptionAggregate.From(f.Top2), f.Mean, f.WeightedMean, against);
    }

    private static Difference? Trend(QuestionFigures now, AreaAggregate before) =>
        now.Top2?.WeightedShare is { } top && before.Questions.FirstOrDefault(q => q.Id == now.QuestionId) is { Top2.Weighted: { } then, EffectiveBase: { } n }
            ? Comparison.Compare(top.Value, now.EffectiveBase, then.Value, n)
            : null;

    /// <summary>The areas and their respondents; responses are grouped by zone first, so a national wave is one pass per level.</summary>
    private static List<AreaRespondents> Areas(WaveDefinition wave, IReadOnlyList<ResponseFacts> responses, IReadOnlyDictionary<(string Zone, string Municipality, string Neighbourhood), AreaInvitations> invited)
    {
        var byZone = Enumerable.Range(0, responses.Count).GroupBy(i => responses[i].Zone, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var invitedByZone = invited.GroupBy(i => i.Key.Zone, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var areas = new List<AreaRespondents> { new(Wave, wave.Id, null, null, [.. Enumerable.Range(0, responses.Count)], Sum(invited.Values)) };
        foreach (var zone in wave.Zones)
        {
            var members = byZone.GetValueOrDefault(zone.Id) ?? [];
            var zoneInvited = invitedByZone.GetValueOrDefault(zone.Id) ?? [];
            areas.Add(new(Zone, zone.Id, wave.Id, zone.Id, members, Sum(zoneInvited.Select(i => i.Value))));
            foreach (var municipality in zone.Municipalities)
            {
                var m = $"{zone.Id}/{municipality.Name}";
                var inMunicipality = members.Where(i => responses[i].Municipality == municipality.Name).ToList();
                areas.Add(new(Municipality, m, zone.Id, zone.Id, inMunicipality, Sum(zoneInvited.Where(i => i.Key.Municipality == municipality.Name).Select(i => i.Value))));
                foreach (var neighbourhood in municipality.Neighbourhoods)
                {
                    areas.Add(new(Neighbourhood, $"{m}/{neighbourhood}", m, zone.Id,
                        [.. inMunicipality.Where(i => responses[i].Neighbourhood == neighbourhood)],
                        Sum(zoneInvited.Where(i => i.Key.Municipality == municipality.Name && i.Key.Neighbourhood == neighbourhood).Select(i => i.Value))));
                }
            }
        }

        return areas;
    }

    /// <summary>
    /// The responses on paper, published only when neither mode is a small group of its own (each has none or at least the
    /// minimum of respondents): a count of 3 on paper would otherwise single out three people's answers.
    /// </summary>
    private static int? ModeCount(int paper, int all, int minimum) =>
        paper is 0 || (paper >= minimum && (all - paper is 0 || all - paper >= minimum)) || paper == all ? paper : null;

    private static AreaInvitations Sum(IEnumerable<AreaInvitations> invitations) => invitations.Aggregate(AreaInvitations.Zero, (sum, i) => sum.Plus(i));
}
