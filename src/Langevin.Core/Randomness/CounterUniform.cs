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

    /// <summary>
    /// A uniformly random permutation of 0..<paramref name="count"/>−1, a pure function of (key, count): Fisher–Yates
    /// from the last position down, the index for position i drawn from successive elements of the stream by
    /// Lemire's multiply-shift with rejection, so every permutation is exactly equally likely.
    /// </summary>
    public static long[] Permutation(ulong key, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var order = new long[count];
        for (long i = 0; i < count; i++) order[i] = i;
        long next = 0;
        for (long i = count - 1; i > 0; i--)
        {
            long j = (long)Below(key, (ulong)(i + 1), ref next);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>Uniform in [0, bound) from the stream elements at <paramref name="next"/>, … (advanced past those used).</summary>
    private static ulong Below(ulong key, ulong bound, ref long next)
    {
        // Lemire (2019): the high word of bits·bound is uniform once low words below 2⁶⁴ mod bound are rejected.
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong high = Math.BigMul(Bits(key, next++), bound, out ulong low);
            if (low >= threshold) return high;
        }
    }
}
