namespace Langevin.Diagnostics;

/// <summary>What the diagnostics say about one quantity of a set of chains: its pooled mean and sd, R̂ and ESS, and whether it passes.</summary>
/// <param name="Name">The quantity.</param>
/// <param name="Chains">Number of chains.</param>
/// <param name="Mean">Mean over every draw of every chain.</param>
/// <param name="Sd">Sample standard deviation over every draw.</param>
/// <param name="Summary">R̂ and effective sample sizes.</param>
public sealed record QuantityDiagnostics(string Name, int Chains, double Mean, double Sd, ChainSummary Summary)
{
    /// <summary>
    /// Vehtari et al.'s (2021) thresholds: R̂ at most 1.01 and at least 100 effective draws (bulk and tail) per chain. A
    /// non-finite R̂ (chains stuck at different constants) fails.
    /// </summary>
    public bool Passes => Summary.Rhat <= 1.01 && Math.Min(Summary.BulkEss, Summary.TailEss) >= 100.0 * Chains;

    /// <summary>Describes the draws of <paramref name="name"/>, one list per chain (see <see cref="ChainDiagnostics.Of"/>).</summary>
    public static QuantityDiagnostics Of(string name, IReadOnlyList<IReadOnlyList<double>> chains)
    {
        ArgumentNullException.ThrowIfNull(name);
        var summary = ChainDiagnostics.Of(chains);
        var all = chains.SelectMany(c => c).ToArray();
        double mean = all.Average(), sd = Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
        return new QuantityDiagnostics(name, chains.Count, mean, sd, summary);
    }
}
