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
        ulong x = Next((ulong)seed);
        x = Next(x ^ (ulong)parameterIndex);
        return Next(x ^ (ulong)step);
    }

    /// <summary>A seed for an optimizer created without one: random, and recorded in its options.</summary>
    public static long Fresh() => Random.Shared.NextInt64(0, long.MaxValue);

    /// <summary>One SplitMix64 step from state <paramref name="z"/>: advance, then mix.</summary>
    private static ulong Next(ulong z) => SplitMix64.Mix(z + SplitMix64.Gamma);
}
