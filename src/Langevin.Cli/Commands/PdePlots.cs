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

    /// <summary>Writes data (markers) and model curves (lines) against x (atomically).</summary>
    public static void Fit(string path, string title, IReadOnlyList<(string Label, double[] X, double[] Y, bool Markers)> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        for (int i = 0; i < series.Count; i++)
        {
            var (label, x, y, markers) = series[i];
            var scatter = plot.Add.Scatter(x, y);
            scatter.LegendText = label;
            scatter.Color = palette.GetColor(i / 2);
            if (markers)
            {
                scatter.LineWidth = 0;
                scatter.MarkerSize = 4;
            }
            else
            {
                scatter.MarkerSize = 0;
                scatter.LineWidth = 2;
            }
        }
        plot.Title(title);
        plot.XLabel("x");
        plot.YLabel("u");
        plot.ShowLegend();
        byte[] png = plot.GetImageBytes(800, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
