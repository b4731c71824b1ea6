using Langevin.Pde.Master;

namespace Langevin.Pde.Reactions;

/// <summary>
/// The chemical master equation of a <see cref="ReactionNetwork"/> on the box of counts 0..maxₛ of every species: a
/// <see cref="MasterEquation"/> whose states are the count vectors (mixed radix, the first species fastest) and whose
/// transitions are the reactions with their mass-action propensities. A reaction that would leave the box is left out
/// (the box's walls reflect), so the box must hold all but a negligible part of the probability: <see cref="LeakRate"/>
/// is the rate at which the unbounded process would leave the box (Munsky and Khammash's finite state projection bound:
/// over a time t the truncation moves at most about t·LeakRate of probability).
/// </summary>
public sealed class ChemicalMasterEquation
{
    private readonly int[] limits;
    private readonly double[] dropped;

    /// <summary>The equation for the given rates (in the order of <see cref="ReactionNetwork.RateNames"/>) and box.</summary>
    /// <exception cref="UserErrorException">When the box is empty or has more than 2,000,000 states.</exception>
    public ChemicalMasterEquation(ReactionNetwork network, IReadOnlyList<double> rates, IReadOnlyList<int> maxCounts)
    {
        Network = network ?? throw new ArgumentNullException(nameof(network));
        ArgumentNullException.ThrowIfNull(rates);
        ArgumentNullException.ThrowIfNull(maxCounts);
        if (rates.Count != network.RateNames.Count) throw new ArgumentException($"{rates.Count} rates for {network.RateNames.Count} rate names", nameof(rates));
        if (maxCounts.Count != network.Species.Count || maxCounts.Any(m => m < 0))
            throw new UserErrorException($"give a largest count ≥ 0 for each of {string.Join(", ", network.Species)} ({{ChemicalMasterEquation.maxCounts}})");
        limits = maxCounts.ToArray();
        // The product stops growing once it is past the limit, so neither m + 1 nor the product can overflow.
        long count = 1;
        foreach (int m in limits) count = Math.Min(count * ((long)m + 1), 2_000_001);
        if (count > 2_000_000) throw new UserErrorException($"the box of counts has {count:N0} states; lower the largest counts ({{ChemicalMasterEquation.maxCounts}})");
        States = (int)count;
        var transitions = new List<(int, int, double)>();
        dropped = new double[States];
        var state = new int[limits.Length];
        var target = new int[limits.Length];
        for (int i = 0; i < States; i++)
        {
            Decode(i, state);
            for (int j = 0; j < network.Reactions.Count; j++)
            {
                var reaction = network.Reactions[j];
                double propensity = rates[network.RateIndex(j)] * reaction.Combinations(state);
                if (propensity == 0) continue;
                bool inside = true;
                for (int s = 0; s < state.Length; s++)
                {
                    target[s] = state[s] + reaction.Change(s);
                    inside &= target[s] >= 0 && target[s] <= limits[s];
                }
                if (inside) transitions.Add((i, Index(target), propensity));
                else dropped[i] += propensity;
            }
        }
        Equation = new MasterEquation(States, transitions);
    }

    /// <summary>The network.</summary>
    public ReactionNetwork Network { get; }

    /// <summary>Number of states in the box.</summary>
    public int States { get; }

    /// <summary>The master equation on the box.</summary>
    public MasterEquation Equation { get; }

    /// <summary>The state index of a count vector.</summary>
    /// <exception cref="ArgumentOutOfRangeException">When a count lies outside the box.</exception>
    public int Index(ReadOnlySpan<int> counts)
    {
        int index = 0, stride = 1;
        for (int s = 0; s < limits.Length; s++)
        {
            if (counts[s] < 0 || counts[s] > limits[s]) throw new ArgumentOutOfRangeException(nameof(counts), $"count {counts[s]} of {Network.Species[s]} is outside 0..{limits[s]}");
            index += counts[s] * stride;
            stride *= limits[s] + 1;
        }
        return index;
    }

    /// <summary>Whether the counts lie in the box.</summary>
    public bool Contains(ReadOnlySpan<int> counts)
    {
        for (int s = 0; s < limits.Length; s++)
            if (counts[s] < 0 || counts[s] > limits[s]) return false;
        return true;
    }

    /// <summary>The count vector of a state index.</summary>
    public void Decode(int index, Span<int> counts)
    {
        for (int s = 0; s < limits.Length; s++)
        {
            counts[s] = index % (limits[s] + 1);
            index /= limits[s] + 1;
        }
    }

    /// <summary>The distribution at <paramref name="time"/> after starting in <paramref name="start"/>.</summary>
    /// <exception cref="UserErrorException">When the start lies outside the box.</exception>
    public double[] Evolve(ReadOnlySpan<int> start, double time)
    {
        if (!Contains(start))
        {
            var counts = start.ToArray();
            throw new UserErrorException($"the start ({string.Join(", ", Network.Species.Select((s, i) => $"{s} = {counts[i]}"))}) lies outside the box of largest counts ({string.Join(", ", Network.Species.Select((s, i) => $"{s} = {limits[i]}"))}); raise {{ChemicalMasterEquation.maxCounts}}");
        }
        var p = new double[States];
        p[Index(start)] = 1;
        return Equation.Evolve(p, time);
    }

    /// <summary>The marginal distribution of one species' count.</summary>
    public double[] Marginal(ReadOnlySpan<double> p, int species)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(species);
        var marginal = new double[limits[species] + 1];
        var counts = new int[limits.Length];
        for (int i = 0; i < States; i++)
        {
            Decode(i, counts);
            marginal[counts[species]] += p[i];
        }
        return marginal;
    }

    /// <summary>The mean and variance of one species' count under <paramref name="p"/>.</summary>
    public (double Mean, double Variance) Moments(ReadOnlySpan<double> p, int species)
    {
        var marginal = Marginal(p, species);
        double mean = 0, variance = 0;
        for (int a = 0; a < marginal.Length; a++) mean += a * marginal[a];
        for (int a = 0; a < marginal.Length; a++) variance += (a - mean) * (a - mean) * marginal[a];
        return (mean, variance);
    }

    /// <summary>Σᵢ pᵢ·(propensity of the reactions that would leave the box from state i): how fast probability would
    /// leak out of the box without its walls. Zero for a network whose counts the box contains (e.g. a closed A ⇌ B).</summary>
    public double LeakRate(ReadOnlySpan<double> p)
    {
        double rate = 0;
        for (int i = 0; i < States; i++) rate += p[i] * dropped[i];
        return rate;
    }
}
