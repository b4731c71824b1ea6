namespace Langevin.Optim;

/// <summary>
/// Derives the key of the noise stream of one parameter at one step (see <see cref="CounterNormal"/>) from
/// (optimizer seed, parameter index, step) with SplitMix64. The noise is then a pure function of those three
/// numbers, so the only state an optimizer must checkpoint is the step count: a resumed run draws exactly the
/// noise an uninterrupted run would have drawn.
/// </summary>
internal static class NoiseSeeds
{
    public static ulong For(long seed, int parameterIndex, long step)
    {
        ulong x = Mix((ulong)seed);
        x = Mix(x ^ (ulong)parameterIndex);
        return Mix(x ^ (ulong)step);
    }

    /// <summary>A seed for an optimizer created without one: random, and recorded in its options.</summary>
    public static long Fresh() => Random.Shared.NextInt64(0, long.MaxValue);

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
