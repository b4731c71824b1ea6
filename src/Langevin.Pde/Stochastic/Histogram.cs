using Langevin.Pde.Grids;

namespace Langevin.Pde.Stochastic;

/// <summary>
/// A histogram of 1D samples whose bins are the control volumes of a vertex grid's nodes
/// ([xᵢ − dx/2, xᵢ + dx/2], clipped to the grid at the ends), so it compares bin by bin with a density on that grid.
/// </summary>
public sealed class Histogram
{
    private Histogram(Grid grid, long[] counts, long outside, long total)
    {
        Grid = grid;
        Counts = counts;
        Outside = outside;
        Total = total;
    }

    /// <summary>The grid whose nodes are the bin centres.</summary>
    public Grid Grid { get; }

    /// <summary>Samples per bin.</summary>
    public IReadOnlyList<long> Counts { get; }

    /// <summary>Samples outside [min, max].</summary>
    public long Outside { get; }

    /// <summary>Total number of samples.</summary>
    public long Total { get; }

    /// <summary>Bins the samples on a 1D non-periodic grid.</summary>
    public static Histogram Create(Grid grid, ReadOnlySpan<double> samples)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (grid.Dimension != 1 || grid.Axes[0].Periodic) throw new ArgumentException("histograms need a 1D non-periodic grid", nameof(grid));
        var ax = grid.Axes[0];
        var counts = new long[ax.Points];
        long outside = 0;
        foreach (double x in samples)
        {
            if (!(x >= ax.Min && x <= ax.Max)) { outside++; continue; }
            int i = (int)Math.Round((x - ax.Min) / ax.Spacing);
            counts[Math.Clamp(i, 0, ax.Points - 1)]++;
        }
        return new Histogram(grid, counts, outside, samples.Length);
    }

    /// <summary>Density estimate per node: count / (N · bin width).</summary>
    public double[] Density()
    {
        var ax = Grid.Axes[0];
        var p = new double[Counts.Count];
        for (int i = 0; i < p.Length; i++) p[i] = Counts[i] / (Total * ax.Weight(i) * ax.Spacing);
        return p;
    }

    /// <summary>
    /// KL(histogram ‖ model) = Σ hᵢ ln(hᵢ/qᵢ) with hᵢ the sample fractions and qᵢ = pᵢ·(bin width) the model's bin
    /// masses from a density p on the same grid (renormalised over the bins). For N samples from the model itself,
    /// 2N·KL is asymptotically χ² with (bins − 1) degrees of freedom, so E[KL] ≈ (bins − 1)/(2N).
    /// </summary>
    public double KullbackLeibler(ReadOnlySpan<double> modelDensity)
    {
        var ax = Grid.Axes[0];
        double total = 0;
        for (int i = 0; i < Counts.Count; i++) total += Math.Max(modelDensity[i], 0) * ax.Weight(i) * ax.Spacing;
        long inside = Total - Outside;
        double kl = 0;
        for (int i = 0; i < Counts.Count; i++)
        {
            if (Counts[i] == 0) continue;
            double h = (double)Counts[i] / inside;
            double q = Math.Max(modelDensity[i], 0) * ax.Weight(i) * ax.Spacing / total;
            kl += q > 0 ? h * Math.Log(h / q) : double.PositiveInfinity;
        }
        return kl;
    }
}
