using Langevin.Diagnostics;
using Langevin.Randomness;

namespace Langevin.Training.Tests.Diagnostics;

public sealed class ChainDiagnosticsTests
{
    private static double[] Normals(long seed, int chain, int count)
    {
        var values = new double[count];
        CounterNormal.Fill(values, SeedTree.Key(seed, chain), 1.0);
        return values;
    }

    /// <summary>AR(1) chains x_t = ρx_{t−1} + √(1 − ρ²)ε_t from their stationary law.</summary>
    private static double[][] Ar1(int chains, int length, double rho, long seed) =>
        Enumerable.Range(0, chains).Select(c =>
        {
            var noise = Normals(seed, c, length);
            var x = new double[length];
            x[0] = noise[0];
            for (int t = 1; t < length; t++) x[t] = rho * x[t - 1] + Math.Sqrt(1 - rho * rho) * noise[t];
            return x;
        }).ToArray();

    /// <summary>
    /// Independent draws: R̂ is 1 to within its sampling spread (about 1/N here) and the bulk ESS is about the number of
    /// draws; four seeds, each within 12 % (the estimator's spread for 4000 independent draws is a few per cent).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Independent_draws_have_rhat_one_and_full_ess(long seed)
    {
        var summary = ChainDiagnostics.Of(Ar1(4, 1000, 0, seed));
        Assert.Equal(4000, summary.Draws);
        Assert.InRange(summary.Rhat, 0.995, 1.01);
        Assert.InRange(summary.BulkEss, 0.88 * 4000, 1.12 * 4000);
        Assert.InRange(summary.TailEss, 0.75 * 4000, 1.25 * 4000);
    }

    /// <summary>An AR(1) chain's ESS is N(1 − ρ)/(1 + ρ): 1053 of 20,000 draws at ρ = 0.9 (within 20 %).</summary>
    [Fact]
    public void Autocorrelated_draws_have_the_ar1_effective_sample_size()
    {
        var chains = Ar1(4, 5000, 0.9, seed: 7);
        double expected = 20000 * 0.1 / 1.9;
        Assert.InRange(ChainDiagnostics.SplitEss(chains), 0.8 * expected, 1.2 * expected);
        Assert.InRange(ChainDiagnostics.Of(chains).BulkEss, 0.8 * expected, 1.2 * expected);
    }

    [Fact]
    public void Chains_that_disagree_or_drift_have_rhat_above_one()
    {
        var shifted = Ar1(4, 1000, 0.5, seed: 9);
        for (int t = 0; t < 1000; t++) shifted[0][t] += 1.0;
        Assert.True(ChainDiagnostics.Of(shifted).Rhat > 1.05, $"shifted: {ChainDiagnostics.Of(shifted).Rhat}");
        // A trend inside each chain: the halves disagree, which only the split catches.
        var drifting = Ar1(4, 1000, 0.5, seed: 10);
        foreach (var chain in drifting)
            for (int t = 0; t < 1000; t++) chain[t] += 2.0 * t / 1000;
        Assert.True(ChainDiagnostics.Of(drifting).Rhat > 1.05, $"drifting: {ChainDiagnostics.Of(drifting).Rhat}");
    }

    /// <summary>Cauchy draws have no variance, so plain R̂ is at the mercy of the largest draw; the rank-normalised one is 1.</summary>
    [Fact]
    public void Rank_normalisation_copes_with_heavy_tails()
    {
        var cauchy = Enumerable.Range(0, 4).Select(c =>
        {
            var a = Normals(11, c, 2000);
            var b = Normals(12, c, 2000);
            return a.Zip(b, (x, y) => x / y).ToArray();
        }).ToArray();
        Assert.InRange(ChainDiagnostics.Of(cauchy).Rhat, 0.995, 1.01);
    }

    /// <summary>Chains stuck at different constants disagree completely (R̂ = ∞, ESS of one draw per chain); a quantity
    /// that is one constant everywhere has nothing to disagree about.</summary>
    [Fact]
    public void Stuck_chains_are_caught_and_a_constant_is_not()
    {
        var stuck = ChainDiagnostics.Of([[1.0, 1, 1, 1, 1, 1], [2.0, 2, 2, 2, 2, 2]]);
        Assert.Equal(double.PositiveInfinity, stuck.Rhat);
        Assert.True(stuck.BulkEss <= 4, $"ESS {stuck.BulkEss}");
        var constant = ChainDiagnostics.Of([[3.0, 3, 3, 3], [3.0, 3, 3, 3]]);
        Assert.Equal(1, constant.Rhat);
    }

    [Fact]
    public void Too_little_to_compare_is_refused()
    {
        Assert.Throws<ArgumentException>(() => ChainDiagnostics.Of([[1.0, 2, 3, 4]]));
        Assert.Throws<ArgumentException>(() => ChainDiagnostics.Of([[1.0, 2, 3], [1.0, 2, 3]]));
        Assert.Throws<ArgumentException>(() => ChainDiagnostics.Of([[1.0, 2, 3, double.NaN], [1.0, 2, 3, 4]]));
    }
}
