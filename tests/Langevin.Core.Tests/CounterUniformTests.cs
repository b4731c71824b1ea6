using Langevin.Randomness;
using MathNet.Numerics.Distributions;

namespace Langevin.Core.Tests;

/// <summary>Uniform streams: purity, exact range, and the law (chi-square against the 0.001 critical value).</summary>
public sealed class CounterUniformTests
{
    private const ulong Key = 0xC0FFEE;

    [Fact]
    public void Doubles_lie_in_the_unit_interval_with_uniform_moments()
    {
        const int n = 1 << 20;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double u = CounterUniform.Double(Key, i);
            Assert.InRange(u, 0, Math.BitDecrement(1.0));
            sum += u;
            squares += u * u;
        }
        double mean = sum / n, variance = squares / n - mean * mean;
        // Standard errors of the mean (1/√(12n)) and of the variance (√(1/180n)); 5 of each.
        Assert.InRange(mean, 0.5 - 5 / Math.Sqrt(12.0 * n), 0.5 + 5 / Math.Sqrt(12.0 * n));
        Assert.InRange(variance, 1 / 12.0 - 5 / Math.Sqrt(180.0 * n), 1 / 12.0 + 5 / Math.Sqrt(180.0 * n));
    }

    [Theory]
    [InlineData(1L)]
    [InlineData(3L)]
    [InlineData(10L)]
    [InlineData(1000L)]
    public void Below_is_uniform_on_its_range(long bound)
    {
        int n = (int)Math.Min(200_000, 2_000 * bound);
        var counts = new long[bound];
        for (int i = 0; i < n; i++) counts[CounterUniform.Below(Key, i, bound)]++;
        if (bound == 1) { Assert.Equal(n, counts[0]); return; }
        double expected = (double)n / bound, chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < ChiSquared.InvCDF(bound - 1, 0.999), $"χ² = {chi2:F1} with {bound - 1} degrees of freedom");
    }

    [Fact]
    public void Below_with_a_bound_that_rejects_often_stays_pure_and_in_range()
    {
        // 2⁶³ + 1 rejects almost half of all 64-bit draws: exercises the retry sub-stream.
        const long bound = long.MaxValue;
        for (int i = 0; i < 10_000; i++)
        {
            long v = CounterUniform.Below(Key, i, bound);
            Assert.InRange(v, 0, bound - 1);
            Assert.Equal(v, CounterUniform.Below(Key, i, bound));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterUniform.Below(Key, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterUniform.Bits(Key, -1));
    }

    [Fact]
    public void A_permutation_holds_every_index_once_and_each_position_is_uniform()
    {
        const int size = 5, trials = 50_000;
        var counts = new long[size, size];
        var order = new long[size];
        for (ulong t = 0; t < trials; t++)
        {
            CounterUniform.Permutation(order, SeedTree.Key(9, (long)t));
            Assert.Equal(Enumerable.Range(0, size).Select(i => (long)i), order.Order());
            for (int p = 0; p < size; p++) counts[p, order[p]]++;
        }
        double expected = trials / (double)size, chi2 = 0;
        foreach (long c in counts) chi2 += (c - expected) * (c - expected) / expected;
        // (size−1)² degrees of freedom for the position-by-value table with fixed margins.
        Assert.True(chi2 < ChiSquared.InvCDF((size - 1) * (size - 1), 0.999), $"χ² = {chi2:F1}");
    }
}
