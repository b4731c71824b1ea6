using Langevin.Randomness;

namespace Langevin.Pde.Reactions;

/// <summary>
/// Gillespie's direct method (1977): from state x, the next reaction comes after an exponential time with rate
/// a₀ = Σⱼ aⱼ(x) and is reaction j with probability aⱼ/a₀ — an exact draw of the chemical master equation's process.
/// Seeded from the shared seed tree: trajectory n uses the uniform stream keyed (seed, n), two numbers per reaction,
/// so the same seed gives the same paths whatever else runs.
/// </summary>
public static class GillespieSimulator
{
    /// <summary>Largest number of reactions one trajectory may take (a network that explodes is stopped with an error).</summary>
    public const int MaxReactions = 10_000_000;

    /// <summary>Simulates trajectory <paramref name="index"/> of the seed from <paramref name="start"/> to <paramref name="endTime"/>.</summary>
    /// <exception cref="UserErrorException">When a trajectory needs more than <see cref="MaxReactions"/> reactions.</exception>
    public static ReactionTrajectory Simulate(ReactionNetwork network, IReadOnlyList<double> rates, IReadOnlyList<int> start, double endTime, long seed, int index = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(start);
        if (rates.Count != network.RateNames.Count) throw new ArgumentException($"{rates.Count} rates for {network.RateNames.Count} rate names", nameof(rates));
        if (start.Count != network.Species.Count) throw new ArgumentException($"{start.Count} counts for {network.Species.Count} species", nameof(start));
        if (!(endTime >= 0) || !double.IsFinite(endTime)) throw new UserErrorException($"the end time must be finite and ≥ 0 (got {endTime}); fix {{GillespieSimulator.endTime}}");
        ulong key = SeedTree.Key(seed, index);
        var state = start.ToArray();
        var times = new List<double> { 0 };
        var states = new List<int[]> { state.ToArray() };
        int m = network.Reactions.Count;
        var propensity = new double[m];
        double t = 0;
        for (long n = 0; ; n++)
        {
            double total = 0;
            for (int j = 0; j < m; j++)
            {
                propensity[j] = rates[network.RateIndex(j)] * network.Reactions[j].Combinations(state);
                total += propensity[j];
            }
            if (total == 0) break;
            // 1 − U is in (0, 1]: the logarithm is finite.
            t += -Math.Log(1 - CounterUniform.Double(key, 2 * n)) / total;
            if (t > endTime) break;
            double pick = CounterUniform.Double(key, 2 * n + 1) * total, sum = 0;
            int chosen = m - 1;
            for (int j = 0; j < m; j++)
            {
                sum += propensity[j];
                if (pick < sum) { chosen = j; break; }
            }
            for (int s = 0; s < state.Length; s++) state[s] += network.Reactions[chosen].Change(s);
            times.Add(t);
            states.Add(state.ToArray());
            if (times.Count > MaxReactions)
                throw new UserErrorException($"trajectory {index} took more than {MaxReactions:N0} reactions before t = {t:G4}; shorten {{GillespieSimulator.endTime}} or check the rates");
        }
        return new ReactionTrajectory(times.ToArray(), states.ToArray());
    }
}
