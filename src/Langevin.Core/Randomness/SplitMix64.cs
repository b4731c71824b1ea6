using System.Runtime.Intrinsics;

namespace Langevin.Randomness;

/// <summary>
/// SplitMix64 (Steele, Lea and Flood 2014): the state advances by <see cref="Gamma"/> and each output is
/// <see cref="Mix(ulong)"/> of it. One definition for the scalar seed derivation (<see cref="SeedTree"/>) and the
/// vector noise kernel (<see cref="CounterNormal"/>), which must agree on the constants.
/// </summary>
public static class SplitMix64
{
    /// <summary>The state increment: 2⁶⁴ divided by the golden ratio, made odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    private const ulong FirstMultiplier = 0xBF58476D1CE4E5B9UL;
    private const ulong SecondMultiplier = 0x94D049BB133111EBUL;

    /// <summary>The output function of a state.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * FirstMultiplier;
        z = (z ^ (z >> 27)) * SecondMultiplier;
        return z ^ (z >> 31);
    }

    /// <summary>The output function of four states at once.</summary>
    public static Vector256<ulong> Mix(Vector256<ulong> z)
    {
        z = (z ^ (z >>> 30)) * Vector256.Create(FirstMultiplier);
        z = (z ^ (z >>> 27)) * Vector256.Create(SecondMultiplier);
        return z ^ (z >>> 31);
    }
}
