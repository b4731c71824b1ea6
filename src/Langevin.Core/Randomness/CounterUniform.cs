namespace Langevin.Randomness;

/// <summary>
/// Counter-based uniform numbers for the pure-C# code (shuffles, splits, restarts): element <c>i</c> of the stream
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

    /// <summary>
    /// A uniform integer in [0, <paramref name="bound"/>) by Lemire's multiply-shift with rejection (exactly uniform).
    /// Rejected draws move on to further elements of a sub-stream, so the result is still a pure function of
    /// (key, index).
    /// </summary>
    public static long Below(ulong key, long index, long bound)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bound);
        ulong range = (ulong)bound, threshold = (0UL - range) % range;
        ulong bits = Bits(key, index);
        for (long retry = 0; ; retry++)
        {
            UInt128 product = (UInt128)bits * range;
            if ((ulong)product >= threshold) return (long)(ulong)(product >> 64);
            bits = Bits(SeedTree.Child(key, index), retry);
        }
    }

    /// <summary>
    /// Fills <paramref name="order"/> with a uniformly random permutation of 0 … n−1 (Fisher–Yates, step j drawing
    /// element j of the stream keyed <paramref name="key"/>).
    /// </summary>
    public static void Permutation(Span<long> order, ulong key)
    {
        for (int i = 0; i < order.Length; i++) order[i] = i;
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = (int)Below(key, i, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
