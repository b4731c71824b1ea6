using System.Globalization;
using System.Text;
using Langevin.Training.Metrics;

namespace Langevin.Training;

/// <summary>One row of <c>metrics.csv</c>: what one epoch did and how the model scores after it.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="LearningRate">lr at the last step of the epoch.</param>
/// <param name="Diffusion">D at the last step of the epoch.</param>
/// <param name="TrainLoss">Mean mini-batch loss during the epoch (weights changing, noise included).</param>
/// <param name="TrainRoughness">Loss-curve roughness: RMS of the difference between successive mini-batch losses.</param>
/// <param name="Train">Metrics after the epoch on a fixed subset of the training split (at most 10,000 images).</param>
/// <param name="Validation">Metrics on the validation split (used for model selection).</param>
/// <param name="Test">Metrics on the test set (reported, never used for selection).</param>
/// <param name="Seconds">Wall-clock seconds of the epoch's training steps.</param>
/// <param name="ImagesPerSecond">Training throughput of the epoch.</param>
/// <param name="RssMegabytes">Resident memory of the process after the epoch (to check it stays flat).</param>
/// <param name="PosteriorSamples">Posterior samples kept so far.</param>
public sealed record EpochMetrics(
    int Epoch, double LearningRate, double Diffusion, double TrainLoss, double TrainRoughness,
    ClassificationMetrics Train, ClassificationMetrics Validation, ClassificationMetrics Test,
    double Seconds, double ImagesPerSecond, double RssMegabytes, int PosteriorSamples)
{
    /// <summary>Generalisation gap in accuracy: train-subset accuracy − test accuracy.</summary>
    public double AccuracyGap => Train.Accuracy - Test.Accuracy;

    /// <summary>CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader =
        "epoch,lr,diffusion,train_loss,train_roughness,train_acc,train_nll,train_ece,val_acc,val_nll,val_ece,test_acc,test_nll,test_ece,acc_gap,seconds,images_per_s,rss_mb,posterior_samples";

    /// <summary>The row as CSV (invariant culture).</summary>
    public string ToCsv()
    {
        var c = CultureInfo.InvariantCulture;
        return string.Join(",",
            Epoch.ToString(c), LearningRate.ToString("G6", c), Diffusion.ToString("G6", c),
            TrainLoss.ToString("F5", c), TrainRoughness.ToString("F5", c),
            Train.Accuracy.ToString("F5", c), Train.Nll.ToString("F5", c), Train.Ece.ToString("F5", c),
            Validation.Accuracy.ToString("F5", c), Validation.Nll.ToString("F5", c), Validation.Ece.ToString("F5", c),
            Test.Accuracy.ToString("F5", c), Test.Nll.ToString("F5", c), Test.Ece.ToString("F5", c),
            AccuracyGap.ToString("F5", c), Seconds.ToString("F2", c), ImagesPerSecond.ToString("F0", c),
            RssMegabytes.ToString("F1", c), PosteriorSamples.ToString(c));
    }

    /// <summary>The whole CSV file for <paramref name="rows"/>.</summary>
    public static string ToCsvFile(IEnumerable<EpochMetrics> rows)
    {
        var text = new StringBuilder(CsvHeader).Append('\n');
        foreach (var row in rows) text.Append(row.ToCsv()).Append('\n');
        return text.ToString();
    }
}
