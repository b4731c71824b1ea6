using MathNet.Numerics.Distributions;

namespace Langevin.Core.Tests;

/// <summary>The checks of a sample against N(0, 1) that both Gaussian streams must pass.</summary>
internal static class StandardNormalLaw
{
    /// <summary>
    /// Mean, variance and kurtosis within 5 standard errors (1/√n, √(2/n), √(24/n)), and the Kolmogorov–Smirnov
    /// statistic √n·D below its 0.001 critical value 1.9495. Sorts <paramref name="z"/>.
    /// </summary>
    public static void Assert(double[] z)
    {
        double n = z.Length;
        double mean = z.Average();
        double variance = z.Sum(v => (v - mean) * (v - mean)) / (n - 1);
        double kurtosis = z.Sum(v => Math.Pow(v - mean, 4)) / n / (variance * variance);
        Xunit.Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
        Xunit.Assert.InRange(variance, 1 - 5 * Math.Sqrt(2 / n), 1 + 5 * Math.Sqrt(2 / n));
        Xunit.Assert.InRange(kurtosis, 3 - 5 * Math.Sqrt(24 / n), 3 + 5 * Math.Sqrt(24 / n));
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
