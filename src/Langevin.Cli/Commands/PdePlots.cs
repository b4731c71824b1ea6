using Langevin.IO;
using ScottPlot;

namespace Langevin.Cli.Commands;

/// <summary>PNG plots of PDE results (1D profiles).</summary>
internal static class PdePlots
{
    /// <summary>Writes a profile plot of one or more curves against x (atomically).</summary>
    public static void Profile(string path, string title, string yLabel, double[] x, params (string Label, double[] Y)[] series)
    {
        var plot = new Plot();
        foreach (var (label, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            if (series.Length > 1) line.LegendText = label;
            line.MarkerSize = x.Length <= 60 ? 5 : 0;
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel(yLabel);
        if (series.Length > 1) plot.ShowLegend();
        byte[] png = plot.GetImageBytes(800, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
