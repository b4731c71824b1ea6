using MathNet.Numerics.Distributions;
using MathNet.Numerics.Statistics;

namespace Langevin.Core.Tests;

/// <summary>The checks of a sample against N(0, 1) that both Gaussian streams must pass.</summary>
internal static class StandardNormalLaw
{
    /// <summary>
    /// Mean, variance and excess kurtosis within 5 standard errors (1/√n, √(2/n), √(24/n)), and the Kolmogorov–Smirnov
    /// statistic √n·D below its 0.001 critical value 1.9495. Sorts <paramref name="z"/>.
    /// </summary>
    public static void Assert(double[] z)
    {
        double n = z.Length;
        // MathNet's sample moments: the unbiased variance and excess kurtosis (0 for a normal law).
        var moments = new DescriptiveStatistics(z);
        Xunit.Assert.InRange(moments.Mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Xunit.Assert.InRange(moments.Variance, 1 - 5 * Math.Sqrt(2 / n), 1 + 5 * Math.Sqrt(2 / n));
        Xunit.Assert.InRange(moments.Kurtosis, -5 * Math.Sqrt(24 / n), 5 * Math.Sqrt(24 / n));
        Array.Sort(z);
        double d = 0;
        for (int i = 0; i < z.Length; i++)
        {
            double cdf = Normal.CDF(0, 1, z[i]);
            d = Math.Max(d, Math.Max((i + 1) / n - cdf, cdf - i / n));
        }
        Xunit.Assert.True(d * Math.Sqrt(n) < 1.9495, $"KS statistic sqrt(n)·D = {d * Math.Sqrt(n):F3}");
    }
}
