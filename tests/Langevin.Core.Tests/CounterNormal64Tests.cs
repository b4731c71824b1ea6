using Langevin.Randomness;

namespace Langevin.Core.Tests;

/// <summary>The float64 Gaussian stream of the pure-C# simulations: purity from any start, Box–Muller by definition, and its law.</summary>
public sealed class CounterNormal64Tests
{
    private const ulong Key = 0xD0_0B1E;

    private static double[] Draw(int length, long first = 0, double scale = 1)
    {
        var values = new double[length];
        CounterNormal.Fill(values, Key, scale, first);
        return values;
    }

    [Theory]
    [InlineData(0L, 1)]
    [InlineData(1L, 1)]
    [InlineData(1L, 10)]
    [InlineData(7L, 100)]
    [InlineData(64L, 33)]
    public void Any_part_of_the_stream_is_that_part_of_the_whole(long first, int length)
    {
        double[] whole = Draw((int)first + length), part = Draw(length, first);
        Assert.Equal(whole[(int)first..], part);
    }

    [Fact]
    public void Each_pair_is_box_muller_on_two_uniforms_of_the_same_key()
    {
        double[] z = Draw(200, scale: 0.5);
        for (int j = 0; j < 100; j++)
        {
            // u₁ = (b + 1)·2⁻⁵³ ∈ (0, 1], i.e. the uniform double of the same 53 bits plus 2⁻⁵³ (exact in double).
            double u1 = CounterUniform.Double(Key, 2 * j) + 1.0 / (1UL << 53);
            double theta = 2 * Math.PI * CounterUniform.Double(Key, 2 * j + 1);
            double r = 0.5 * Math.Sqrt(-2 * Math.Log(u1));
            Assert.Equal(r * Math.Cos(theta), z[2 * j]);
            Assert.Equal(r * Math.Sin(theta), z[2 * j + 1]);
        }
    }

    [Fact]
    public void The_law_is_standard_normal()
    {
        const int n = 1 << 20;
        StandardNormalLaw.Assert(Draw(n));
    }
}
