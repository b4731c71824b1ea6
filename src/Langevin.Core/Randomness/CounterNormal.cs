using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Langevin.Randomness;

/// <summary>
/// Counter-based standard normal numbers: element <c>i</c> of the stream with key <c>k</c> is a pure function of
/// (k, i), so a stream needs no state and any part of it can be computed on its own (from a multiple of
/// <see cref="BlockLength"/>) with the same result bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// Why not libtorch's <c>normal_</c>: it is single-threaded and took 155–175 µs per step for the 44,426 weights
/// of the small CNN, over 5 % of a training iteration with two threads. This kernel computes 16 numbers per
/// iteration with 256-bit vectors and no calls into libtorch or the runtime's math library.
/// </para>
/// <para>
/// The bits: pair <c>j</c> (elements 16⌊j/8⌋ + j mod 8 and that + 8) is the SplitMix64 output of the counter
/// <c>k + (j+1)·γ</c>, γ the golden-ratio increment, i.e. the SplitMix64 stream seeded with k, which passes
/// BigCrush. Its low 32 bits give u₁ ∈ (0, 1] (from 31 random bits, rounded to float32), its high 32 bits a uniform
/// angle: the top two bits pick the quadrant and the other 30 an offset φ ∈ [−π/4, π/4] in it.
/// </para>
/// <para>
/// The Gaussian: Box–Muller, r = sqrt(−2 ln u₁), (r cos θ, r sin θ), which are exactly independent N(0, 1) for
/// uniform u₁ and θ. ln uses the exponent of u₁ and the series ln m = 2·atanh((m−1)/(m+1)) on m ∈ [√½, √2)
/// (truncation below 1e-9); sin and cos use their Taylor series on |φ| ≤ π/4 to degree 9 and 10 (truncation below
/// 2e-9). So every value is within a few float32 roundings of exact Box–Muller on the same bits. The tails reach
/// |z| = sqrt(64 ln 2) ≈ 6.66, where the normal has 2.7e-11 of its mass. Only IEEE-exact operations are used
/// (add, multiply, fused multiply-add, divide, square root, int→float), so the numbers are the same on every machine.
/// </para>
/// <para>
/// Speed: the 64-bit multiplies of SplitMix64 are single instructions with AVX-512DQ (this project's machine); on
/// CPUs with AVX2 only, or with 128-bit vectors, .NET emulates them and the kernel is slower (not measured).
/// </para>
/// </remarks>
public static class CounterNormal
{
    /// <summary>Numbers computed together: 8 Box–Muller pairs, cosines first, then sines.</summary>
    public const int BlockLength = 16;

    /// <summary>
    /// Writes <paramref name="scale"/>·z(<paramref name="key"/>, <paramref name="first"/> + i) into element i of
    /// <paramref name="destination"/>.
    /// </summary>
    /// <param name="destination">Where to write.</param>
    /// <param name="key">Key of the stream.</param>
    /// <param name="scale">Factor applied to every number (a standard deviation).</param>
    /// <param name="first">Stream element that lands in <paramref name="destination"/>[0]; a multiple of <see cref="BlockLength"/>.</param>
    public static void Fill(Span<float> destination, ulong key, float scale, long first = 0) =>
        Write(destination, key, scale, first, accumulate: false);

    /// <summary>
    /// Adds <paramref name="scale"/>·z(<paramref name="key"/>, <paramref name="first"/> + i) to element i of
    /// <paramref name="destination"/>, rounding as adding a tensor filled by <see cref="Fill(Span{float}, ulong, float, long)"/> would (multiply,
    /// round, add, round).
    /// </summary>
    /// <param name="destination">Values to add the noise to, in place.</param>
    /// <param name="key">Key of the stream.</param>
    /// <param name="scale">Factor applied to every number (a standard deviation).</param>
    /// <param name="first">Stream element added to <paramref name="destination"/>[0]; a multiple of <see cref="BlockLength"/>.</param>
    public static void Add(Span<float> destination, ulong key, float scale, long first = 0) =>
        Write(destination, key, scale, first, accumulate: true);

    /// <summary>
    /// Writes <paramref name="scale"/>·z(<paramref name="key"/>, <paramref name="first"/> + i) into element i of
    /// <paramref name="destination"/>, in double precision: the float64 stream, for the pure-C# simulations.
    /// </summary>
    /// <remarks>
    /// Pair j (elements 2j and 2j+1) is exact Box–Muller on two 53-bit uniforms, element 2j and 2j+1 of the
    /// <see cref="CounterUniform"/> stream of the same key: u₁ ∈ (0, 1] and θ = 2π·u₂, giving r·cos θ and r·sin θ with
    /// r = sqrt(−2 ln u₁), using the runtime's <see cref="Math.Log(double)"/> and <see cref="Math.SinCos(double)"/>
    /// (so the numbers are the same on machines with the same math library). The tails reach sqrt(106 ln 2) ≈ 8.57.
    /// Any <paramref name="first"/> ≥ 0 is allowed.
    /// </remarks>
    /// <param name="destination">Where to write.</param>
    /// <param name="key">Key of the stream.</param>
    /// <param name="scale">Factor applied to every number (a standard deviation).</param>
    /// <param name="first">Stream element that lands in <paramref name="destination"/>[0].</param>
    public static void Fill(Span<double> destination, ulong key, double scale, long first = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(first);
        for (int i = 0; i < destination.Length;)
        {
            long element = first + i, pair = element >> 1;
            double u1 = CounterUniform.Double(key, 2 * pair) + 1.0 / (1UL << 53); // (0, 1]: never 0, so ln u₁ is finite
            double theta = 2 * Math.PI * CounterUniform.Double(key, 2 * pair + 1);
            double radius = scale * Math.Sqrt(-2 * Math.Log(u1));
            var (sin, cos) = Math.SinCos(theta);
            if ((element & 1) == 0)
            {
                destination[i++] = radius * cos;
                if (i < destination.Length) destination[i++] = radius * sin;
            }
            else destination[i++] = radius * sin;
        }
    }

    private static void Write(Span<float> destination, ulong key, float scale, long first, bool accumulate)
    {
        if (first < 0 || first % BlockLength != 0)
            throw new ArgumentOutOfRangeException(nameof(first), first, $"must be a non-negative multiple of {BlockLength}");
        var factor = Vector256.Create(scale);
        ref float start = ref MemoryMarshal.GetReference(destination);
        long firstBlock = first / BlockLength, blocks = destination.Length / BlockLength;
        for (long block = 0; block < blocks; block++)
        {
            var (cosines, sines) = Block(key, firstBlock + block);
            nuint at = (nuint)(block * BlockLength);
            Store(cosines * factor, ref start, at, accumulate);
            Store(sines * factor, ref start, at + (nuint)Vector256<float>.Count, accumulate);
        }
        int whole = (int)(blocks * BlockLength);
        if (whole == destination.Length) return;
        // The last, partial block: computed whole, then cut, so element i never depends on the length.
        Span<float> last = stackalloc float[BlockLength];
        var (lastCosines, lastSines) = Block(key, firstBlock + blocks);
        (lastCosines * factor).CopyTo(last);
        (lastSines * factor).CopyTo(last[Vector256<float>.Count..]);
        for (int i = whole; i < destination.Length; i++)
            destination[i] = accumulate ? destination[i] + last[i - whole] : last[i - whole];
    }

    private static void Store(Vector256<float> values, ref float start, nuint at, bool accumulate) =>
        (accumulate ? Vector256.LoadUnsafe(ref start, at) + values : values).StoreUnsafe(ref start, at);

    /// <summary>The 16 numbers of one block: r·cos θ of its 8 pairs, then r·sin θ.</summary>
    private static (Vector256<float> Cosines, Vector256<float> Sines) Block(ulong key, long block)
    {
        const ulong gamma = SplitMix64.Gamma;
        ulong first = key + (ulong)(8 * block + 1) * gamma;
        var offsets = Vector256.Create(0UL, gamma, unchecked(2 * gamma), unchecked(3 * gamma));
        var low = SplitMix64.Mix(Vector256.Create(first) + offsets);
        var high = SplitMix64.Mix(Vector256.Create(first + unchecked(4 * gamma)) + offsets);
        var radiusBits = Vector256.Narrow(low, high);
        var angleBits = Vector256.Narrow(low >>> 32, high >>> 32);

        // u₁ = ⌊b/2⌋·2⁻³¹ + 2⁻³² ∈ (0, 1]: never 0, so ln u₁ is finite.
        var u1 = Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle((radiusBits >>> 1).AsInt32()),
            Vector256.Create(1f / 2147483648f), Vector256.Create(1f / 4294967296f));
        var radius = Vector256.Sqrt(Vector256.Create(-2f) * LnOfUnitInterval(u1));

        // θ = quadrant·π/2 + φ: uniform on the circle (a rotation of a uniform angle by π/4 is uniform).
        var offset = Vector256.ConvertToSingle((angleBits & Vector256.Create(0x3FFFFFFFu)).AsInt32());
        var phi = Vector256.FusedMultiplyAdd(offset, Vector256.Create((float)(Math.PI / 2 / (1 << 30))),
            Vector256.Create((float)(-Math.PI / 4)));
        var (sinPhi, cosPhi) = SinCosQuarter(phi);
        // Quadrants 1 and 3 swap sine and cosine; cos θ is negative in 1 and 2, sin θ in 2 and 3.
        var swap = ((angleBits << 1).AsInt32() >> 31).AsSingle();
        var cos = Vector256.ConditionalSelect(swap, sinPhi, cosPhi).AsUInt32();
        var sin = Vector256.ConditionalSelect(swap, cosPhi, sinPhi).AsUInt32();
        var signBit = Vector256.Create(0x80000000u);
        cos ^= (angleBits ^ (angleBits << 1)) & signBit;
        sin ^= angleBits & signBit;
        return (radius * cos.AsSingle(), radius * sin.AsSingle());
    }

    /// <summary>ln u for u ∈ (0, 1]: u = 2ᵉ·m with m ∈ [√½, √2), ln m = 2(t + t³/3 + … + t⁹/9), t = (m−1)/(m+1).</summary>
    internal static Vector256<float> LnOfUnitInterval(Vector256<float> u)
    {
        var bits = u.AsInt32();
        var exponent = (bits - Vector256.Create(0x3F3504F3)) >> 23; // 0x3F3504F3 is √½: m lands in [√½, √2)
        var m = (bits - (exponent << 23)).AsSingle();
        var t = (m - Vector256<float>.One) / (m + Vector256<float>.One);
        var t2 = t * t;
        var series = Vector256.FusedMultiplyAdd(t2, Vector256.Create(1f / 9), Vector256.Create(1f / 7));
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256.Create(1f / 5));
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256.Create(1f / 3));
        series = Vector256.FusedMultiplyAdd(series, t2, Vector256<float>.One);
        return Vector256.FusedMultiplyAdd(Vector256.ConvertToSingle(exponent), Vector256.Create(0.6931472f), (t + t) * series);
    }

    /// <summary>sin φ and cos φ for |φ| ≤ π/4 by their Taylor series to φ⁹ and φ¹⁰.</summary>
    private static (Vector256<float> Sin, Vector256<float> Cos) SinCosQuarter(Vector256<float> phi)
    {
        var p2 = phi * phi;
        var sin = Vector256.FusedMultiplyAdd(p2, Vector256.Create(1f / 362880), Vector256.Create(-1f / 5040));
        sin = Vector256.FusedMultiplyAdd(sin, p2, Vector256.Create(1f / 120));
        sin = Vector256.FusedMultiplyAdd(sin, p2, Vector256.Create(-1f / 6));
        sin = Vector256.FusedMultiplyAdd(sin * p2, phi, phi);
        var cos = Vector256.FusedMultiplyAdd(p2, Vector256.Create(-1f / 3628800), Vector256.Create(1f / 40320));
        cos = Vector256.FusedMultiplyAdd(cos, p2, Vector256.Create(-1f / 720));
        cos = Vector256.FusedMultiplyAdd(cos, p2, Vector256.Create(1f / 24));
        cos = Vector256.FusedMultiplyAdd(cos, p2, Vector256.Create(-0.5f));
        cos = Vector256.FusedMultiplyAdd(cos, p2, Vector256<float>.One);
        return (sin, cos);
    }
}
