using Langevin.Randomness;
using System.Runtime.Intrinsics;
using MathNet.Numerics.Distributions;

namespace Langevin.Core.Tests;

/// <summary>The counter-based normal generator behind the Langevin noise: purity, accuracy, and its law.</summary>
public sealed class CounterNormalTests
{
    private const ulong Key = 0x5EED_0F_1A9E71;
    private const int SampleSize = 1 << 22;

    private static float[] Draw(int length, ulong key = Key, float scale = 1)
    {
        var values = new float[length];
        CounterNormal.Fill(values, key, scale);
        return values;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(1000)]
    [InlineData(40_001)]
    public void Element_i_depends_only_on_key_and_i(int length)
    {
        float[] whole = Draw(70_000);
        Assert.Equal(whole[..length], Draw(length));
    }

    [Theory]
    [InlineData(16, 100)]
    [InlineData(4096, 37)]
    public void A_part_starting_at_a_block_is_that_part_of_the_stream(int first, int length)
    {
        float[] whole = Draw(first + length), part = new float[length];
        CounterNormal.Fill(part, Key, 1, first);
        Assert.Equal(whole[first..], part);
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterNormal.Fill(part, Key, 1, first + 1));
    }

    [Fact]
    public void Adding_rounds_like_adding_a_filled_tensor()
    {
        float[] start = Draw(1000, Key ^ 0xFFFF), sum = (float[])start.Clone();
        const float std = 0.37f;
        CounterNormal.Add(sum, Key, std);
        float[] noise = Draw(1000, scale: std);
        for (int i = 0; i < sum.Length; i++) Assert.Equal(start[i] + noise[i], sum[i]);
    }

    [Fact]
    public void Scale_multiplies_every_value()
    {
        const float std = 0.0123f;
        float[] unit = Draw(4099), scaled = Draw(4099, scale: std);
        for (int i = 0; i < unit.Length; i++) Assert.Equal(unit[i] * std, scaled[i]);
    }

    [Fact]
    public void Another_key_gives_an_uncorrelated_stream()
    {
        float[] a = Draw(SampleSize), b = Draw(SampleSize, Key + 1);
        // Sample correlation of independent streams: standard error 1/sqrt(n); 5 of them.
        Assert.InRange(Correlation(a, b, 0), -5 / Math.Sqrt(SampleSize), 5 / Math.Sqrt(SampleSize));
    }

    [Fact]
    public void Values_are_Box_Muller_of_the_same_bits_to_float_precision()
    {
        const int length = 1 << 16;
        foreach (ulong key in new[] { 0UL, Key, ulong.MaxValue })
        {
            float[] values = Draw(length, key);
            for (int i = 0; i < length; i++)
            {
                double exact = ExactBoxMuller(key, i);
                // About 20 float32 roundings (2⁻²⁴ each) in ln, sqrt, the series and the products. Relative to
                // max(|z|, 1), not |z|: the angle's error times r is absolute, and z = r·cos θ can be near 0.
                Assert.True(Math.Abs(values[i] - exact) <= 20 * Math.Pow(2, -24) * Math.Max(Math.Abs(exact), 1),
                    $"key {key}, element {i}: {values[i]} vs exact {exact}");
            }
        }
    }

    [Fact]
    public void Law_is_standard_normal()
    {
        float[] z = Draw(SampleSize);
        double n = SampleSize;
        // Sorted by the law check, as a copy in double: the tail counts below do not depend on the order.
        StandardNormalLaw.Assert(z.Select(v => (double)v).ToArray());

        // The tails, which a Box–Muller with a bad ln would get wrong: counts beyond 3σ and 4σ are binomial (beyond
        // 5σ only 2.4 are expected; Ln_is_accurate_over_the_whole_range_of_u1 covers the far tail instead).
        foreach (double k in new[] { 3.0, 4.0 })
        {
            double p = 2 * Normal.CDF(0, 1, -k), expected = n * p, sd = Math.Sqrt(n * p * (1 - p));
            int count = z.Count(v => Math.Abs(v) > k);
            Assert.True(Math.Abs(count - expected) <= 5 * sd + 1, $"|z| > {k}: {count} draws, expected {expected:F1} ± {sd:F1}");
        }
    }

    [Fact]
    public void Ln_is_accurate_over_the_whole_range_of_u1()
    {
        // u₁ from 2⁻³² (the largest radius, |z| ≤ 6.66) to 1 on a geometric grid: the draws above never reach u₁ < 1e-5.
        for (double u = 1.0 / 4294967296.0; u <= 1; u *= 1.01)
        {
            float uf = (float)u;
            double exact = Math.Log(uf), got = CounterNormal.LnOfUnitInterval(Vector256.Create(uf))[0];
            // A handful of float32 roundings relative to |ln u| (ln 2 rounded to float32 in e·ln 2 is one of them).
            Assert.True(Math.Abs(got - exact) <= 8 * Math.Pow(2, -24) * Math.Abs(exact) + 1e-12, $"ln {uf}: {got} vs {exact}");
        }
        Assert.Equal(0f, CounterNormal.LnOfUnitInterval(Vector256<float>.One)[0]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(8)] // the two members of a Box–Muller pair
    [InlineData(16)]
    public void Neighbours_are_uncorrelated(int lag)
    {
        float[] z = Draw(SampleSize);
        Assert.InRange(Correlation(z, z, lag), -5 / Math.Sqrt(SampleSize), 5 / Math.Sqrt(SampleSize));
        // Members of a pair share their radius, so also check the squares (correlated if the angle were not uniform).
        float[] squares = z.Select(v => v * v).ToArray();
        Assert.InRange(Correlation(squares, squares, lag), -5 / Math.Sqrt(SampleSize), 5 / Math.Sqrt(SampleSize));
    }

    /// <summary>Sample correlation of a[i] and b[i + lag].</summary>
    private static double Correlation(float[] a, float[] b, int lag)
    {
        int n = a.Length - lag;
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[i]; mb += b[i + lag]; }
        ma /= n;
        mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double x = a[i] - ma, y = b[i + lag] - mb;
            sab += x * y;
            saa += x * x;
            sbb += y * y;
        }
        return sab / Math.Sqrt(saa * sbb);
    }

    /// <summary>
    /// Element <paramref name="i"/> by the definition, in double precision: SplitMix64 output of counter
    /// key + (j+1)·γ for pair j, u₁ and the angle from its halves (u₁ rounded to float as the kernel does, since
    /// that rounding is part of the definition, not an error of the arithmetic).
    /// </summary>
    private static double ExactBoxMuller(ulong key, int i)
    {
        int block = i / 16, lane = i % 8;
        bool sine = i % 16 >= 8;
        ulong z = unchecked(key + (ulong)(8 * block + lane + 1) * 0x9E3779B97F4A7C15UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        z ^= z >> 31;
        uint radiusBits = (uint)z, angleBits = (uint)(z >> 32);
        double u1 = (float)(int)(radiusBits >> 1) * (1f / 2147483648f) + 1f / 4294967296f; // the kernel's float u₁
        double r = Math.Sqrt(-2 * Math.Log(u1));
        double theta = (angleBits >> 30) * Math.PI / 2 + (double)(float)(int)(angleBits & 0x3FFFFFFF) * (Math.PI / 2 / (1 << 30)) - Math.PI / 4;
        return sine ? r * Math.Sin(theta) : r * Math.Cos(theta);
    }
}
