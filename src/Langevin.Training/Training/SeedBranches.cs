namespace Langevin.Training;

/// <summary>
/// The branches of a training run's seed tree (<see cref="Randomness.SeedTree"/>): each random stream of a run is keyed
/// below one of them, so no two streams share a number and each is a pure function of the run's seed.
/// </summary>
internal static class SeedBranches
{
    /// <summary>The order of the mini-batches: the permutation of epoch e is keyed (seed, −1, e).</summary>
    public const long Shuffle = -1;

    /// <summary>The initial weights: a torch generator keyed (seed, −2).</summary>
    public const long Weights = -2;

    /// <summary>The Langevin noise: the optimizer's seed is the key (seed, −3), below which its streams are keyed per parameter and step.</summary>
    public const long Noise = -3;

    /// <summary>The random directions in weight space whose projections a set of chains traces: direction j is keyed (seed, −4, j).</summary>
    public const long Projections = -4;

    /// <summary>The uniform-noise images of the out-of-distribution sets: keyed (seed, −5).</summary>
    public const long OodNoise = -5;

    /// <summary>RL: the start of episode e is drawn from (seed, −6, e).</summary>
    public const long EpisodeStarts = -6;

    /// <summary>RL: the ε-greedy coin and random action of step s are elements 2s and 2s + 1 of (seed, −7).</summary>
    public const long Exploration = -7;

    /// <summary>RL: the replay minibatch of step s is keyed (seed, −8, s).</summary>
    public const long Replay = -8;

    /// <summary>RL: DeepSea's action mapping is keyed (seed, −9).</summary>
    public const long DeepSeaMapping = -9;
}
