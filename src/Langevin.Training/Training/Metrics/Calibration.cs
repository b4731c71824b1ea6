namespace Langevin.Training.Metrics;

/// <summary>Calibration of a classifier's confidence.</summary>
public static class Calibration
{
    /// <summary>Number of bins used by default (Guo et al., 2017).</summary>
    public const int DefaultBins = 15;

    /// <summary>
    /// Expected calibration error with <paramref name="bins"/> equal-width bins of the top-label confidence:
    /// ECE = Σ_m (|B_m|/n)·|acc(B_m) − conf(B_m)|, where bin m (1-based) holds confidences in ((m−1)/M, m/M]
    /// (confidence 0 goes to the first bin). 0 is perfectly calibrated, 1 the worst possible.
    /// </summary>
    /// <param name="confidence">Top-label probability of each prediction, in [0, 1].</param>
    /// <param name="correct">Whether each prediction was right.</param>
    /// <param name="bins">Number of bins M ≥ 1.</param>
    public static double ExpectedCalibrationError(ReadOnlySpan<double> confidence, ReadOnlySpan<bool> correct, int bins = DefaultBins)
    {
        if (confidence.Length != correct.Length) throw new ArgumentException("one correctness flag per confidence is needed", nameof(correct));
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (confidence.Length == 0) return 0;

        var count = new long[bins];
        var sumConfidence = new double[bins];
        var sumCorrect = new double[bins];
        for (int i = 0; i < confidence.Length; i++)
        {
            double c = confidence[i];
            if (!(c >= 0 && c <= 1)) throw new ArgumentOutOfRangeException(nameof(confidence), c, "confidences must be probabilities in [0, 1]");
            int m = Math.Clamp((int)Math.Ceiling(c * bins) - 1, 0, bins - 1);
            count[m]++;
            sumConfidence[m] += c;
            sumCorrect[m] += correct[i] ? 1 : 0;
        }

        double ece = 0;
        for (int m = 0; m < bins; m++)
            if (count[m] > 0)
                ece += Math.Abs(sumCorrect[m] - sumConfidence[m]) / confidence.Length; // = (|B|/n)·|acc − conf|
        return ece;
    }
}
