using Langevin.IO;
using Langevin.Runs;
using ScottPlot;

namespace Langevin.Training.Reporting;

/// <summary>PNG plots of a run's per-epoch metrics: loss.png (train loss, validation/test NLL), accuracy.png, ece.png.</summary>
public static class RunPlots
{
    /// <summary>Writes (atomically, overwriting) the plots of <paramref name="epochs"/> into the run directory.</summary>
    public static void Write(RunFolder run, IReadOnlyList<EpochMetrics> epochs)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (epochs.Count == 0) return;
        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        Save(run.File("loss.png"), "Loss", "nats", x, Alignment.UpperRight,
            ("train (mean batch loss)", epochs.Select(e => e.TrainLoss)),
            ("validation NLL", epochs.Select(e => e.Validation.Nll)),
            ("test NLL", epochs.Select(e => e.Test.Nll)));
        Save(run.File("accuracy.png"), "Accuracy", "fraction correct", x, Alignment.LowerRight,
            ("train subset", epochs.Select(e => e.Train.Accuracy)),
            ("validation", epochs.Select(e => e.Validation.Accuracy)),
            ("test", epochs.Select(e => e.Test.Accuracy)));
        Save(run.File("ece.png"), "Expected calibration error (15 bins)", "ECE", x, Alignment.UpperRight,
            ("validation", epochs.Select(e => e.Validation.Ece)),
            ("test", epochs.Select(e => e.Test.Ece)));
    }

    /// <summary>Writes a line plot of several series against <paramref name="x"/> to <paramref name="path"/> (atomically), the legend at <paramref name="legend"/>.</summary>
    public static void Save(string path, string title, string yLabel, double[] x, Alignment legend, params (string Label, IEnumerable<double> Y)[] series) =>
        Save(path, title, yLabel, x, legend, series, "epoch");

    /// <summary>Writes a line plot of several series against <paramref name="x"/>, labelled <paramref name="xLabel"/>, to <paramref name="path"/> (atomically).</summary>
    public static void Save(string path, string title, string yLabel, double[] x, Alignment legend, (string Label, IEnumerable<double> Y)[] series, string xLabel)
    {
        var plot = new Plot();
        foreach (var (label, y) in series)
        {
            var line = plot.Add.Scatter(x, y.ToArray());
            line.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.ShowLegend(legend);
        byte[] png = plot.GetImageBytes(800, 500, ImageFormat.Png);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
