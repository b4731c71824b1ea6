using Langevin.IO;
using Langevin.Pde.TimeSeries;
using ScottPlot;

namespace Langevin.Cli.Commands;

/// <summary>PNG plots of SDE fits.</summary>
internal static class SdePlots
{
    /// <summary>The last path's recent observations and the forecast's median with its 50 % and 90 % bands (atomically).</summary>
    public static void FanChart(string path, string title, ObservedSeries series, SdeForecast forecast)
    {
        var plot = new Plot();
        var last = series.Paths[^1];
        // Show as much history as the forecast reaches ahead, three times over (at least 20 observations).
        double reach = forecast.Times[^1] - forecast.StartTime;
        int first = Math.Min(Math.Max(0, last.Count - 20), Enumerable.Range(0, last.Count).First(i => last.Times[i] >= forecast.StartTime - 3 * reach));
        var times = last.Times.Skip(first).ToArray();
        var values = last.Values.Skip(first).ToArray();
        var t = new[] { forecast.StartTime }.Concat(forecast.Times).ToArray();
        double[] Band(int level) => new[] { forecast.StartValue }.Concat(forecast.Quantiles.Select(q => q[level])).ToArray();
        var outer = plot.Add.FillY(t, Band(0), Band(4));
        outer.FillColor = Colors.SteelBlue.WithAlpha(0.2);
        outer.LegendText = "90 % band";
        var inner = plot.Add.FillY(t, Band(1), Band(3));
        inner.FillColor = Colors.SteelBlue.WithAlpha(0.4);
        inner.LegendText = "50 % band";
        var median = plot.Add.Scatter(t, Band(2));
        median.MarkerSize = 0;
        median.LineWidth = 2;
        median.Color = Colors.SteelBlue;
        median.LegendText = "median";
        var observed = plot.Add.Scatter(times, values);
        observed.MarkerSize = times.Length <= 80 ? 3 : 0;
        observed.Color = Colors.Black;
        observed.LegendText = "observed";
        // Times such as years read without a thousands separator.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = v => v.ToString("G6", System.Globalization.CultureInfo.InvariantCulture) };
        plot.Title(title);
        plot.XLabel("t");
        plot.YLabel("x");
        plot.ShowLegend(Edge.Right);
        byte[] png = plot.GetImageBytes(900, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
