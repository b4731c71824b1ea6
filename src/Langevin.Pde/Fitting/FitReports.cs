using System.Text.Json;
using Langevin.IO;
using Langevin.Pde.FokkerPlanck;

namespace Langevin.Pde.Fitting;

/// <summary>One candidate of a step-size search.</summary>
public sealed record StepSizeCandidate(double LearningRate, double Alpha, double TrainLoss, double? TestLoss, int Iterations);

/// <summary>One candidate of a regularisation search.</summary>
public sealed record RegularisationCandidate(double Regularisation, double TrainLoss, double? TestLoss);

/// <summary>The record of a scalar-α heat fit: the estimate, the data and the protocol that produced it.</summary>
public sealed record HeatFitReport(
    string Equation, double Alpha, double? AlphaStd, double TrainLoss, double? TestLoss, double? GeneralisationGap, int Iterations,
    bool Converged, int TrainPoints, int TestPoints, int TrainSnapshots, int TestSnapshots, int DroppedRows, string Loss, string Split,
    int Experiments, string Optimizer, double? LearningRate, IReadOnlyList<StepSizeCandidate> Search);

/// <summary>The record of an α(x) fit.</summary>
public sealed record FieldFitReport(
    string Equation, string Estimate, double[] Positions, double[] Alpha, double?[] AlphaStd, double Regularisation, double TrainLoss,
    double? TestLoss, double? GeneralisationGap, int Iterations, bool Converged, string Loss, IReadOnlyList<RegularisationCandidate> Search);

/// <summary>The record of a Fokker–Planck fit of θ and D.</summary>
public sealed record FokkerPlanckFitReport(
    string Equation, string Potential, double Theta, double? ThetaStd, double Diffusion, double? DiffusionStd, double TrainLoss,
    double? TestLoss, double? GeneralisationGap, int Iterations, bool Converged, int DroppedRows, string Loss, string Optimizer);

/// <summary>
/// The reports of the fits, ready to be written as JSON (snake_case keys; a number that is not finite, such as the test
/// loss without a test set, is null).
/// </summary>
public static class FitReports
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>The report of a scalar-α fit of <paramref name="data"/> with <paramref name="options"/>.</summary>
    public static HeatFitReport Heat(HeatDiffusivityFit fit, LongFormCsv data, HeatDiffusivityFitOptions options)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        return new HeatFitReport("heat", fit.Alpha, Finite(fit.AlphaStd), fit.TrainLoss, Finite(fit.TestLoss), Finite(fit.GeneralisationGap),
            fit.Iterations, fit.Converged, fit.TrainPoints, fit.TestPoints, fit.TrainSnapshots, fit.TestSnapshots, data.DroppedRows, "mse",
            options.Split == SplitBy.Experiment ? "experiment" : "time", data.Experiments, options.Optimizer.ToString(), Finite(fit.LearningRate),
            fit.Search.Select(c => new StepSizeCandidate(c.LearningRate, c.Alpha, c.TrainLoss, Finite(c.TestLoss), c.Iterations)).ToArray());
    }

    /// <summary>The report of an α(x) fit.</summary>
    public static FieldFitReport Field(DiffusivityFieldFit fit)
    {
        ArgumentNullException.ThrowIfNull(fit);
        return new FieldFitReport("heat", "alpha-field", fit.Positions, fit.Alpha, fit.AlphaStd.Select(Finite).ToArray(), fit.Regularisation,
            fit.TrainLoss, Finite(fit.TestLoss), Finite(fit.TestLoss - fit.TrainLoss), fit.Iterations, fit.Converged, "mse",
            fit.Search.Select(c => new RegularisationCandidate(c.Lambda, c.TrainLoss, Finite(c.TestLoss))).ToArray());
    }

    /// <summary>The report of a Fokker–Planck fit of <paramref name="data"/> for the base potential.</summary>
    public static FokkerPlanckFitReport FokkerPlanck(FokkerPlanckFit fit, Potential basePotential, LongFormCsv data, FitLoss loss)
    {
        ArgumentNullException.ThrowIfNull(fit);
        ArgumentNullException.ThrowIfNull(basePotential);
        ArgumentNullException.ThrowIfNull(data);
        return new FokkerPlanckFitReport("fokker-planck", basePotential.Name, fit.Scale, Finite(fit.ScaleStd), fit.Diffusion, Finite(fit.DiffusionStd),
            fit.TrainLoss, Finite(fit.TestLoss), Finite(fit.TestLoss - fit.TrainLoss), fit.Iterations, fit.Converged, data.DroppedRows,
            loss == FitLoss.Kl ? "kl" : "mse", "LevenbergMarquardt");
    }

    /// <summary>Writes a report as indented JSON, atomically.</summary>
    public static void WriteJson<TReport>(string path, TReport report) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(report, Json) + "\n");

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;
}
