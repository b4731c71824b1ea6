using Langevin.Randomness;

namespace Langevin.Core.Tests;

/// <summary>Uniform streams: exact range, uniform moments, and the index contract.</summary>
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

    [Fact]
    public void A_negative_index_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CounterUniform.Bits(Key, -1));

    [Fact]
    public void A_permutation_holds_every_index_once_and_is_a_function_of_key_and_count()
    {
        var order = CounterUniform.Permutation(Key, 1000);
        Assert.Equal(Enumerable.Range(0, 1000).Select(i => (long)i), order.Order());
        Assert.Equal(order, CounterUniform.Permutation(Key, 1000));
        Assert.NotEqual(order, CounterUniform.Permutation(Key + 1, 1000));
        Assert.Empty(CounterUniform.Permutation(Key, 0));
        Assert.Equal([0L], CounterUniform.Permutation(Key, 1));
    }

    [Fact]
    public void The_24_permutations_of_four_are_equally_likely()
    {
        // χ² over the 24 outcomes from 48,000 keys, 23 degrees of freedom: 49.73 is its 0.999 quantile.
        const int keys = 48_000;
        var counts = new Dictionary<string, int>();
        for (int k = 0; k < keys; k++)
        {
            string outcome = string.Join(",", CounterUniform.Permutation(SeedTree.Key(7, k), 4));
            counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
        }
        Assert.Equal(24, counts.Count);
        double expected = keys / 24.0;
        double chi2 = counts.Values.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.InRange(chi2, 0, 49.73);
    }
}
