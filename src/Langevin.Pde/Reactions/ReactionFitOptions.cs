namespace Langevin.Pde.Reactions;

/// <summary>What the counts of a <see cref="ReactionRateFitter"/> fit are.</summary>
public enum CountDataKind
{
    /// <summary>Each trajectory is one system followed over time: the likelihood is the product of its transition
    /// probabilities between consecutive observations (the chain is Markov).</summary>
    Trajectories,

    /// <summary>Each row is a different system observed once, all started from <see cref="ReactionFitOptions.Start"/> at
    /// t = 0: the likelihood is the product of the master equation's probabilities of the rows.</summary>
    Snapshots,
}

/// <summary>Options of <see cref="ReactionRateFitter"/>.</summary>
public sealed record ReactionFitOptions
{
    /// <summary>What the data are.</summary>
    public CountDataKind Kind { get; init; } = CountDataKind.Trajectories;

    /// <summary>The state at t = 0 of every snapshot (species order of the network); unused for trajectories.</summary>
    public int[]? Start { get; init; }

    /// <summary>The master equation's box: the largest count of each species; null sizes it from the data
    /// (1.5 times the largest observed count plus 10).</summary>
    public int[]? MaxCounts { get; init; }

    /// <summary>Starting rates by name (the rest start at 1).</summary>
    public IReadOnlyDictionary<string, double> StartRates { get; init; } = new Dictionary<string, double>();

    /// <summary>Largest number of likelihood evaluations of the simplex search.</summary>
    public int MaxEvaluations { get; init; } = 2000;
}
