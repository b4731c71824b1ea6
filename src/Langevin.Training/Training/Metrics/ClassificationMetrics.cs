using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training.Metrics;

/// <summary>
/// Accuracy, negative log-likelihood and expected calibration error of predicted class probabilities.
/// </summary>
/// <param name="Count">Number of examples.</param>
/// <param name="Accuracy">Fraction of examples whose most probable class is the label, in [0, 1].</param>
/// <param name="Nll">Mean −log p(label) in nats (the cross-entropy loss of the predictions).</param>
/// <param name="Ece">Expected calibration error (15 equal-width bins), in [0, 1].</param>
public sealed record ClassificationMetrics(long Count, double Accuracy, double Nll, double Ece)
{
    /// <summary>Computes the metrics from log-probabilities (N×K, rows log-normalised) and int64 labels (N).</summary>
    public static ClassificationMetrics FromLogProbabilities(Tensor logProbabilities, Tensor labels, int bins = Calibration.DefaultBins)
    {
        using var scope = NewDisposeScope();
        long n = labels.shape[0];
        if (logProbabilities.dim() != 2 || logProbabilities.shape[0] != n)
            throw new ArgumentException($"expected {n}×K log-probabilities, got [{string.Join("×", logProbabilities.shape)}]", nameof(logProbabilities));
        if (n == 0) return new ClassificationMetrics(0, 0, 0, 0);

        var logp = logProbabilities.to_type(ScalarType.Float64);
        double nll = -logp.gather(1, labels.unsqueeze(1)).mean().item<double>();
        var (top, predicted) = logp.max(1);
        var correctTensor = predicted.eq(labels);
        double accuracy = correctTensor.to_type(ScalarType.Float64).mean().item<double>();
        double[] confidence = top.exp().data<double>().ToArray();
        bool[] correct = correctTensor.data<bool>().ToArray();
        double ece = Calibration.ExpectedCalibrationError(confidence, correct, bins);
        return new ClassificationMetrics(n, accuracy, nll, ece);
    }
}
