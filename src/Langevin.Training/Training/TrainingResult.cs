using Langevin.Training.Metrics;
namespace Langevin.Training;

/// <summary>What a finished run reports (also written to <c>summary.json</c>).</summary>
/// <param name="Epochs">Per-epoch metrics.</param>
/// <param name="BestEpoch">Epoch (1-based) with the best validation accuracy (ties: lower validation NLL).</param>
/// <param name="Final">Metrics of the last epoch.</param>
/// <param name="Best">Metrics of the best-validation epoch (its test numbers are the model-selected result).</param>
/// <param name="EnsembleValidation">Posterior-ensemble metrics on validation, or null without samples.</param>
/// <param name="EnsembleTest">Posterior-ensemble metrics on test, or null without samples.</param>
/// <param name="EnsembleSamples">Number of samples in the ensemble.</param>
public sealed record TrainingResult(
    IReadOnlyList<EpochMetrics> Epochs, int BestEpoch, EpochMetrics Final, EpochMetrics Best,
    ClassificationMetrics? EnsembleValidation, ClassificationMetrics? EnsembleTest, int EnsembleSamples);
