using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Pipeline.Survey.Waves;

namespace Pipeline.Survey.Sample;

/// <summary>One stratum of a draw: its population in the extract and how many were drawn.</summary>
internal sealed record Stratum(string Zone, string Municipality, string AgeBand, string Sex, int Population, int Drawn);

/// <summary>A draw: the people drawn (in stratum order), every stratum, and the refused rows of the extract.</summary>
internal sealed record DrawResult(IReadOnlyList<SamplePerson> People, IReadOnlyList<Stratum> Strata, IReadOnlyList<SampleError> Errors, int ErrorCount);

/// <summary>
/// Draws a sample from a population-register extract (the sample file's columns), stratified by municipality x
/// age band x sex. Each zone gets <c>perZone</c> people (all of them when it has fewer), or, with a total
/// <c>size</c>, its share of the size by population but at least <c>perZone</c>; a zone's sample is spread over its
/// strata by population (largest remainders). Within a stratum the people with the smallest HMAC(seed, person
/// reference) are drawn: the same seed and extract give the same sample whatever the row order. Two passes over
/// the extract; memory holds the counts and, per stratum, the people drawn so far, never the whole extract.
/// </summary>
internal static class SampleDraw
{
    public static async Task<DrawResult> DrawAsync(WaveDefinition wave, Func<TextReader> open, long seed, int perZone, int? size, CancellationToken cancellationToken)
    {
        // Pass 1: check every row and count the strata.
        var population = new Dictionary<(string Zone, string Municipality, string AgeBand, string Sex), int>();
        var errors = new List<SampleError>();
        var errorCount = 0;
        using (var text = open())
        {
            await foreach (var (person, error) in new SampleReader(wave).ReadAsync(text, cancellationToken))
            {
                if (error is not null)
                {
                    errorCount++;
                    if (errors.Count < 100)
                    {
                        errors.Add(error);
                    }

                    continue;
                }

                var key = (person!.Zone, person.Municipality, person.AgeBand, person.Sex);
                population[key] = population.GetValueOrDefault(key) + 1;
            }
        }

        if (errorCount > 0)
        {
            return new DrawResult([], [], errors, errorCount);
        }

        var allocation = Allocate(population, perZone, size);

        // Pass 2: per stratum, keep the drawn number of people with the smallest keys.
        var kept = allocation.Keys.ToDictionary(k => k, _ => new PriorityQueue<SamplePerson, ulong>(Comparer<ulong>.Create((a, b) => b.CompareTo(a))));
        var secret = BitConverter.GetBytes(seed);
        using (var text = open())
        {
            await foreach (var (person, _) in new SampleReader(wave).ReadAsync(text, cancellationToken))
            {
                var key = (person!.Zone, person.Municipality, person.AgeBand, person.Sex);
                var want = allocation[key];
                if (want == 0)
                {
                    continue;
                }

                var rank = BinaryPrimitives.ReadUInt64BigEndian(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(person.PersonReference)));
                var heap = kept[key];
                if (heap.Count < want)
                {
                    heap.Enqueue(person, rank);
                }
                else if (heap.TryPeek(out _, out var largest) && rank < largest)
                {
                    heap.DequeueEnqueue(person, rank);
                }
            }
        }

        var strata = allocation.OrderBy(a => a.Key).Select(a => new Stratum(a.Key.Zone, a.Key.Municipality, a.Key.AgeBand, a.Key.Sex, population[a.Key], a.Value)).ToList();
        var people = allocation.Keys.Order().SelectMany(k => kept[k].UnorderedItems.OrderBy(p => p.Priority).Select(p => p.Element)).ToList();
        return new DrawResult(people, strata, [], 0);
    }

    /// <summary>How many to draw per stratum.</summary>
    public static Dictionary<(string Zone, string Municipality, string AgeBand, string Sex), int> Allocate(
        IReadOnlyDictionary<(string Zone, string Municipality, string AgeBand, string Sex), int> population, int perZone, int? size)
    {
        var total = population.Values.Sum();
        var result = new Dictionary<(string Zone, string Municipality, string AgeBand, string Sex), int>();
        foreach (var zone in population.GroupBy(p => p.Key.Zone))
        {
            var zonePopulation = zone.Sum(p => p.Value);
            var share = size is { } n ? (int)Math.Round((double)n * zonePopulation / total, MidpointRounding.AwayFromZero) : 0;
            var target = Math.Min(zonePopulation, Math.Max(perZone, share));
            foreach (var (key, count) in LargestRemainders(zone.ToList(), target, zonePopulation))
            {
                result[key] = count;
            }
        }

        return result;
    }

    private static IEnumerable<((string Zone, string Municipality, string AgeBand, string Sex) Key, int Count)> LargestRemainders(
        List<KeyValuePair<(string Zone, string Municipality, string AgeBand, string Sex), int>> strata, int target, int population)
    {
        var exact = strata.Select(s => (s.Key, Quota: (double)target * s.Value / population)).ToList();
        var floors = exact.ToDictionary(e => e.Key, e => (int)Math.Floor(e.Quota));
        var left = target - floors.Values.Sum();
        foreach (var e in exact.OrderByDescending(e => e.Quota - Math.Floor(e.Quota)).ThenBy(e => e.Key).Take(left))
        {
            floors[e.Key]++;
        }

        return floors.Select(f => (f.Key, f.Value));
    }
}
