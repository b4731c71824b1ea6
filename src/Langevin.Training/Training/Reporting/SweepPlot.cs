using Langevin.IO;
using ScottPlot;

namespace Langevin.Training.Reporting;

/// <summary>PNG of a sweep: validation and test accuracy (mean ± std over seeds) for each D.</summary>
public static class SweepPlot
{
    /// <summary>Writes the plot to <paramref name="path"/> atomically. D values are placed at equal spacing (D = 0 has no logarithm).</summary>
    public static void Write(string path, IReadOnlyList<SweepRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plot = new Plot();
        double[] x = Enumerable.Range(0, rows.Count).Select(i => (double)i).ToArray();
        foreach (var (label, pick, offset) in new (string, Func<SweepRow, MeanStd>, double)[]
                 { ("validation accuracy", r => r.ValidationAccuracy, -0.05), ("test accuracy", r => r.TestAccuracy, 0.05) })
        {
            double[] xs = x.Select(v => v + offset).ToArray();
            var line = plot.Add.Scatter(xs, rows.Select(r => pick(r).Mean).ToArray());
            line.LegendText = label;
            var bars = plot.Add.ErrorBar(xs, rows.Select(r => pick(r).Mean).ToArray(), rows.Select(r => pick(r).Std).ToArray());
            bars.Color = line.Color;
        }
        plot.Axes.Bottom.SetTicks(x, rows.Select(r => Sweep.Format(r.Diffusion)).ToArray());
        plot.Title("Sweep over the diffusion coefficient D (mean ± std over seeds)");
        plot.XLabel("D");
        plot.YLabel("accuracy at the best-validation epoch");
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
