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
}
