using Langevin.Training.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Tests;

public sealed class MetricsTests
{
    public MetricsTests() => Helpers.Torch();

    [Fact]
    public void Ece_of_one_overconfident_bin_is_confidence_minus_accuracy()
    {
        // Four predictions at confidence 0.9, three right: |0.75 − 0.9| = 0.15.
        double ece = Calibration.ExpectedCalibrationError([0.9, 0.9, 0.9, 0.9], [true, true, true, false]);
        Assert.Equal(0.15, ece, 12);
    }

    [Fact]
    public void Ece_weights_bins_by_their_share()
    {
        // Bin of 0.95 (2 items, 1 right): |0.5 − 0.95| = 0.45, weight 2/5.
        // Bin of 0.55 (3 items, 2 right): |2/3 − 0.55| = 0.11667, weight 3/5.
        double ece = Calibration.ExpectedCalibrationError([0.95, 0.95, 0.55, 0.55, 0.55], [true, false, true, true, false], bins: 10);
        Assert.Equal(0.4 * 0.45 + 0.6 * (2.0 / 3 - 0.55), ece, 12);
    }

    [Fact]
    public void Ece_is_zero_when_calibrated_and_bin_edges_are_right_closed()
    {
        // With 10 bins, 0.6 belongs to (0.5, 0.6] and 0.61 to (0.6, 0.7].
        Assert.Equal(0.0, Calibration.ExpectedCalibrationError([0.6, 0.6, 0.6, 0.6, 0.6], [true, true, true, false, false], 10), 12);
        double split = Calibration.ExpectedCalibrationError([0.6, 0.61], [true, false], 10);
        Assert.Equal(0.5 * 0.4 + 0.5 * 0.61, split, 12);
    }

    [Fact]
    public void Classification_metrics_from_known_log_probabilities()
    {
        var probs = tensor(new double[,] { { 0.7, 0.2, 0.1 }, { 0.1, 0.8, 0.1 }, { 0.3, 0.3, 0.4 }, { 0.5, 0.25, 0.25 } });
        var labels = tensor(new long[] { 0, 1, 0, 2 });
        var m = ClassificationMetrics.FromLogProbabilities(probs.log(), labels);
        Assert.Equal(4, m.Count);
        Assert.Equal(0.5, m.Accuracy, 12);
        Assert.Equal(-(Math.Log(0.7) + Math.Log(0.8) + Math.Log(0.3) + Math.Log(0.25)) / 4, m.Nll, 12);
        double expectedEce = Calibration.ExpectedCalibrationError([0.7, 0.8, 0.4, 0.5], [true, true, false, false]);
        Assert.Equal(expectedEce, m.Ece, 12);
    }
}
