namespace Langevin.Randomness;

/// <summary>
/// Counter-based uniform numbers for the pure-C# code: element <c>i</c> of the stream
/// with key <c>k</c> is the SplitMix64 output of the counter <c>k + (i+1)·γ</c>, the same bits
/// <see cref="CounterNormal"/> turns into Gaussians, so a stream is a pure function of (key, i).
/// </summary>
public static class CounterUniform
{
    /// <summary>The 64 random bits of element <paramref name="index"/> of the stream keyed <paramref name="key"/>.</summary>
    public static ulong Bits(ulong key, long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return SplitMix64.Mix(key + (ulong)(index + 1) * SplitMix64.Gamma);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public static double Double(ulong key, long index) => (Bits(key, index) >> 11) * (1.0 / (1UL << 53));
}
