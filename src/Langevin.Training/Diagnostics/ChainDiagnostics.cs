using MathNet.Numerics.Distributions;

namespace Langevin.Diagnostics;

/// <summary>Convergence diagnostics of one quantity over several chains (<see cref="ChainDiagnostics.Of"/>).</summary>
/// <param name="Rhat">Rank-normalised split-R̂: the larger of the bulk and the folded (tail) R̂. Below 1.01 the chains agree.</param>
/// <param name="BulkEss">Bulk effective sample size: the ESS of the rank-normalised split chains.</param>
/// <param name="TailEss">Tail effective sample size: the smaller ESS of the indicators of the 5 % and 95 % quantiles.</param>
/// <param name="Draws">Draws used (chains × length, after making the chains equally long).</param>
public sealed record ChainSummary(double Rhat, double BulkEss, double TailEss, int Draws);

/// <summary>
/// R̂ and effective sample size after Vehtari, Gelman, Simpson, Carpenter and Bürkner ("Rank-normalization, folding,
/// and localization: an improved R̂ for assessing convergence of MCMC", Bayesian Analysis 2021). The ESS follows their
/// estimator without the posterior package's last refinements (its extra even-lag term and its stopping lag), so it
/// can differ from posterior's in the last digits:
/// <list type="bullet">
/// <item>every chain is split in half, so a trend within a chain shows up as disagreement between halves;</item>
/// <item>draws are replaced by the normal scores of their pooled ranks, Φ⁻¹((r − 3/8)/(S + 1/4)), so heavy tails
/// do not break the variance-based formulas; the folded draws |θ − median| give the tail R̂;</item>
/// <item>R̂ = √(var⁺/W) with var⁺ = (n − 1)/n·W + B/n from the within-chain (W) and between-chain (B) variances;</item>
/// <item>ESS = mn/τ with τ = −1 + 2Σ P̂ₖ, P̂ₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁ summed while positive and made monotone (Geyer's initial
/// monotone sequence), ρ̂ₜ = 1 − (W − mean of the chains' autocovariances at lag t)/var⁺.</item>
/// </list>
/// </summary>
public static class ChainDiagnostics
{
    /// <summary>The diagnostics of <paramref name="chains"/> (each the draws of one chain, in order; at least two chains of
    /// at least four draws; longer chains are cut to the shortest).</summary>
    /// <exception cref="ArgumentException">For fewer than two chains or four draws, or a draw that is not finite.</exception>
    public static ChainSummary Of(IReadOnlyList<IReadOnlyList<double>> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count < 2) throw new ArgumentException($"the diagnostics compare chains: give at least two (got {chains.Count})", nameof(chains));
        int length = chains.Min(c => c.Count);
        if (length < 4) throw new ArgumentException($"each chain needs at least four draws (the shortest has {length})", nameof(chains));
        if (chains.Any(c => c.Take(length).Any(v => !double.IsFinite(v)))) throw new ArgumentException("a draw is not finite", nameof(chains));
        var split = Split(chains, length);
        var bulk = RankNormalise(split);
        double median = Median(split.SelectMany(c => c));
        var folded = RankNormalise(split.Select(c => c.Select(v => Math.Abs(v - median)).ToArray()).ToArray());
        double rhat = Math.Max(Rhat(bulk), Rhat(folded));
        var all = split.SelectMany(c => c).Order().ToArray();
        double q05 = Quantile(all, 0.05), q95 = Quantile(all, 0.95);
        double tail = Math.Min(Ess(Indicator(split, q05)), Ess(Indicator(split, q95)));
        return new ChainSummary(rhat, Ess(bulk), tail, split.Length * split[0].Length);
    }

    /// <summary>Split-R̂ of the draws as they are (no rank normalisation).</summary>
    public static double SplitRhat(IReadOnlyList<IReadOnlyList<double>> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return Rhat(Split(chains, chains.Min(c => c.Count)));
    }

    /// <summary>Effective sample size of the split draws as they are (no rank normalisation).</summary>
    public static double SplitEss(IReadOnlyList<IReadOnlyList<double>> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        return Ess(Split(chains, chains.Min(c => c.Count)));
    }

    /// <summary>Each chain's first <paramref name="length"/> draws cut into halves (the middle draw of an odd length dropped).</summary>
    private static double[][] Split(IReadOnlyList<IReadOnlyList<double>> chains, int length)
    {
        int half = length / 2;
        var result = new double[2 * chains.Count][];
        for (int c = 0; c < chains.Count; c++)
        {
            result[2 * c] = chains[c].Take(half).ToArray();
            result[2 * c + 1] = chains[c].Skip(length - half).Take(half).ToArray();
        }
        return result;
    }

    /// <summary>Normal scores Φ⁻¹((r − 3/8)/(S + 1/4)) of the pooled ranks (ties get their average rank).</summary>
    private static double[][] RankNormalise(double[][] chains)
    {
        int n = chains[0].Length, total = chains.Length * n;
        var order = Enumerable.Range(0, total).OrderBy(k => chains[k / n][k % n]).ToArray();
        var ranks = new double[total];
        for (int i = 0; i < total;)
        {
            int j = i;
            double value = chains[order[i] / n][order[i] % n];
            while (j + 1 < total && chains[order[j + 1] / n][order[j + 1] % n] == value) j++;
            double average = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = average;
            i = j + 1;
        }
        return chains.Select((_, c) => Enumerable.Range(0, n).Select(t => Normal.InvCDF(0, 1, (ranks[c * n + t] - 0.375) / (total + 0.25))).ToArray()).ToArray();
    }

    private static double[][] Indicator(double[][] chains, double threshold) =>
        chains.Select(c => c.Select(v => v <= threshold ? 1.0 : 0.0).ToArray()).ToArray();

    private static double Rhat(double[][] chains)
    {
        var (within, plus) = Variances(chains);
        // Chains that never move but sit apart (W = 0 < var⁺) disagree as much as chains can: R̂ is infinite. Only a
        // quantity that is the same constant everywhere (var⁺ = 0) has nothing to disagree about.
        if (!(within > 0)) return plus > 0 ? double.PositiveInfinity : 1;
        return Math.Sqrt(plus / within);
    }

    /// <summary>W and var⁺ of chains of equal length n.</summary>
    private static (double Within, double Plus) Variances(double[][] chains)
    {
        int m = chains.Length, n = chains[0].Length;
        var means = chains.Select(c => c.Average()).ToArray();
        double grand = means.Average();
        double between = n * means.Sum(mu => (mu - grand) * (mu - grand)) / (m - 1);
        double within = chains.Select((c, j) => c.Sum(v => (v - means[j]) * (v - means[j])) / (n - 1)).Average();
        return (within, (n - 1.0) / n * within + between / n);
    }

    private static double Ess(double[][] chains)
    {
        int m = chains.Length, n = chains[0].Length;
        var (within, plus) = Variances(chains);
        // A quantity constant everywhere (e.g. an indicator that never fires) has no variance to estimate: every draw is
        // as good as independent. Constant chains that sit apart carry one draw's worth of information each at best.
        if (!(plus > 0)) return m * n;
        if (!(within > 0)) return m;
        var means = chains.Select(c => c.Average()).ToArray();
        // Autocovariance of every chain at lag t, with the biased (1/n) normalisation that keeps the sequence positive definite.
        double Rho(int t)
        {
            double sum = 0;
            for (int j = 0; j < m; j++)
            {
                var c = chains[j];
                double acov = 0;
                for (int i = 0; i + t < n; i++) acov += (c[i] - means[j]) * (c[i + t] - means[j]);
                sum += acov / n;
            }
            // The autocorrelations combine the chains through var⁺ (Stan's estimator); the chains' lag-0 autocovariance is
            // (n − 1)/n of their variance, which W already holds.
            return 1 - (within - sum / m) / plus;
        }
        double tau = -1, previous = double.PositiveInfinity;
        for (int k = 0; 2 * k + 1 < n; k++)
        {
            double pair = (k == 0 ? 1 : Rho(2 * k)) + Rho(2 * k + 1);
            if (!(pair > 0)) break;
            pair = Math.Min(pair, previous);
            previous = pair;
            tau += 2 * pair;
        }
        return m * n / Math.Max(tau, 1.0 / Math.Log10(m * n));
    }

    private static double Median(IEnumerable<double> values) => Quantile(values.Order().ToArray(), 0.5);

    /// <summary>The <paramref name="p"/>-quantile of sorted values, linear between order statistics (type 7).</summary>
    private static double Quantile(double[] sorted, double p)
    {
        double position = p * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
}
