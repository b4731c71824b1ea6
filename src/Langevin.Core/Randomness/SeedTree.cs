namespace Langevin.Randomness;

/// <summary>
/// The seed tree: every random stream of a job is keyed by a path of integers below the job's seed, e.g.
/// (seed, parameter index, step) for the Langevin noise of one parameter at one step. A key is a pure
/// function of its path, so a stream can be recomputed from anywhere (a resumed run draws exactly what an
/// uninterrupted one would) and two jobs never share state.
/// </summary>
/// <remarks>
/// Each level is one SplitMix64 step (<see cref="SplitMix64"/>) of the parent key xor-ed with the child index:
/// <c>Root(s) = Mix(s + γ)</c>, <c>Child(k, i) = Mix((k ^ i) + γ)</c>. The Langevin optimizers' noise keys have
/// been derived this way since the counter-based noise was introduced, so the noise streams (and the results in
/// docs/) do not depend on where this code lives.
/// </remarks>
public static class SeedTree
{
    /// <summary>The key at the root of the tree of <paramref name="seed"/>.</summary>
    public static ulong Root(long seed) => Next((ulong)seed);

    /// <summary>The key of child <paramref name="index"/> of the node keyed <paramref name="parent"/>.</summary>
    public static ulong Child(ulong parent, long index) => Next(parent ^ (ulong)index);

    /// <summary>The key of the node at <paramref name="path"/> below the root of <paramref name="seed"/>.</summary>
    public static ulong Key(long seed, params ReadOnlySpan<long> path)
    {
        ulong key = Root(seed);
        foreach (long index in path) key = Child(key, index);
        return key;
    }

    /// <summary>A seed for a job created without one: random, to be recorded with the job's options.</summary>
    public static long Fresh() => System.Random.Shared.NextInt64(0, long.MaxValue);

    private static ulong Next(ulong z) => SplitMix64.Mix(z + SplitMix64.Gamma);
}
