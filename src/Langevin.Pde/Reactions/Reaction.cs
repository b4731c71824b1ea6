namespace Langevin.Pde.Reactions;

/// <summary>
/// One reaction of a <see cref="ReactionNetwork"/>: how many molecules of each species it consumes and produces, and
/// the name of its rate constant. Its propensity follows stochastic mass action (Gillespie 1977): the rate constant
/// times the number of distinct sets of reactant molecules, a(x) = k·Πₛ C(xₛ, νₛ) — k for 0 → A, k·x for A → 0,
/// k·x(x − 1)/2 for 2A → B.
/// </summary>
/// <param name="Reactants">Molecules consumed per species index (zero for species it does not consume).</param>
/// <param name="Products">Molecules produced per species index.</param>
/// <param name="Rate">Name of the rate constant.</param>
/// <param name="Text">The reaction as written.</param>
public sealed record Reaction(int[] Reactants, int[] Products, string Rate, string Text)
{
    /// <summary>The combinatorial factor h(x) = Πₛ C(xₛ, νₛ): the propensity is k·h(x).</summary>
    public double Combinations(ReadOnlySpan<int> state)
    {
        double h = 1;
        for (int s = 0; s < Reactants.Length; s++)
            for (int m = 0; m < Reactants[s]; m++) h *= (double)(state[s] - m) / (m + 1);
        return Math.Max(h, 0);
    }

    /// <summary>The change of each species' count when the reaction fires.</summary>
    public int Change(int species) => Products[species] - Reactants[species];
}
