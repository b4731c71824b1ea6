using System.Globalization;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Fitting;

namespace Langevin.Cli.Commands;

/// <summary>Runs the α(x) and Fokker–Planck fits of <c>pde fit</c> and prints their typed results; the shared output pieces.</summary>
internal static class PdeFitOutput
{
    /// <summary><c>pde fit --equation fokker-planck</c>: θ and D of V = θ·V₀ from density snapshots, MSE or KL loss.</summary>
    public static int FokkerPlanck(TextWriter output, LongFormCsv csv, Potential basePotential, FitLoss loss, double testFraction, int maxIterations, string? jsonPath)
    {
        if (csv.Dimension != 1) throw new UserErrorException($"the Fokker–Planck fit supports 1D data (t,x,p); this file has {csv.Dimension} space columns");
        var fit = FokkerPlanckFitter.Fit(csv.Observations, basePotential, new FokkerPlanckFitOptions { TestFraction = testFraction, MaxIterations = maxIterations, Loss = loss });
        string name = loss == FitLoss.Kl ? "KL/snapshot" : "MSE";
        output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values); V = theta·{basePotential.Name}");
        output.WriteLine($"theta = {fit.Scale:G6} ± {fit.ScaleStd:G3}  D = {fit.Diffusion:G6} ± {fit.DiffusionStd:G3}  train {name} = {fit.TrainLoss:G4}  test {name} = {Loss(fit.TestLoss)}  ({Iterations(fit.Iterations, fit.Converged)})");
        Write(output, jsonPath, FitReports.FokkerPlanck(fit, basePotential, csv, loss));
        return ExitCodes.Success;
    }

    /// <summary><c>pde fit --estimate alpha-field</c>: α(x) with the smoothness weight chosen by held-out (time-split) loss.</summary>
    public static int Field(TextWriter output, LongFormCsv csv, int controlPoints, double[] lambdas, double testFraction, string? jsonPath)
    {
        if (csv.Dimension != 1) throw new UserErrorException($"the α(x) fit supports 1D data (t,x,u); this file has {csv.Dimension} space columns");
        if (lambdas.Length > 1 && !(testFraction > 0))
            throw new UserErrorException("searching --regularisation needs held-out data; add --test-fraction (e.g. 0.25) or give one λ");
        var fit = DiffusivityFieldFitter.Fit(csv.Observations, new DiffusivityFieldFitOptions
        {
            ControlPoints = controlPoints,
            TestFraction = testFraction,
            Regularisation = lambdas.Length == 1 ? lambdas[0] : null,
            RegularisationGrid = lambdas,
        });
        output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values); {controlPoints} control points");
        foreach (var (lambda, train, test) in fit.Search)
            output.WriteLine($"  lambda = {lambda:G3}: train MSE = {train:G4}  test MSE = {test:G4}");
        output.WriteLine($"lambda = {fit.Regularisation:G3}  alpha(x) = [{Join(fit.Alpha)}] at x = [{Join(fit.Positions)}]  train MSE = {fit.TrainLoss:G4}  test MSE = {fit.TestLoss:G4}  ({Iterations(fit.Iterations, fit.Converged)})");
        Write(output, jsonPath, FitReports.Field(fit));
        return ExitCodes.Success;
    }

    /// <summary>A loss as the fit lines print it ("n/a" without a test set).</summary>
    public static string Loss(double value) => double.IsNaN(value) ? "n/a" : value.ToString("G4", CultureInfo.InvariantCulture);

    public static string Iterations(int iterations, bool converged) => $"{iterations} iterations{(converged ? "" : ", NOT converged")}";

    /// <summary>Writes the report when <c>--json</c> is given and says so.</summary>
    public static void Write<TReport>(TextWriter output, string? jsonPath, TReport report)
    {
        if (jsonPath is null) return;
        FitReports.WriteJson(jsonPath, report);
        output.WriteLine($"wrote {jsonPath}");
    }

    private static string Join(double[] values) => string.Join(", ", values.Select(v => v.ToString("G4", CultureInfo.InvariantCulture)));
}
