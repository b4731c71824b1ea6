using System.CommandLine;
using System.Globalization;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Fitting;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin pde fit</c>: maps flags to the fitters' options records, runs the fit, prints the result and writes its report.</summary>
internal static class PdeFitCommand
{
    private enum Model { HeatAlpha, HeatField, FokkerPlanck }

    private enum Equation { Heat, FokkerPlanck }

    private enum Estimate { Alpha, AlphaField }

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Long-form CSV with columns t,x,u (rows with missing values are dropped and counted).", Required = true, HelpName = "FILE" }.ReadableFile();
        var equation = TypedOptions.Choice("--equation", "Model to fit: heat (estimates α) or fokker-planck (estimates θ and D from density snapshots t,x,p).", "heat",
            ("heat", Equation.Heat), ("fokker-planck", Equation.FokkerPlanck), ("fp", Equation.FokkerPlanck));
        var estimate = TypedOptions.Choice("--estimate", "Heat: alpha (constant diffusivity) or alpha-field (log α(x) piecewise linear on --control-points, smoothness penalty chosen by held-out loss).", "alpha",
            ("alpha", Estimate.Alpha), ("alpha-field", Estimate.AlphaField));
        var controlPoints = new Option<int>("--control-points") { Description = "alpha-field: number of control points of log α(x).", DefaultValueFactory = _ => 6 };
        var regularisation = TypedOptions.NumberList("--regularisation", "alpha-field: smoothness weight λ, or a comma list to search by held-out loss.", "0,1e-7,1e-6,1e-5,1e-4,1e-3", allowZero: true);
        var loss = TypedOptions.Choice("--loss", "Loss: mse, or kl (fokker-planck only: KL(p_obs ‖ p_model) summed over snapshots, reported per snapshot).", "mse", ("mse", FitLoss.Mse), ("kl", FitLoss.Kl));
        var potential = TypedOptions.Choice("--potential", "Fokker–Planck: shape V₀ of the potential V = θ·V₀: harmonic (x²/2), double-well (((x/a)² − 1)², a = --well) or tilted (−x).", "harmonic",
            ("harmonic", "harmonic"), ("ou", "harmonic"), ("ornstein-uhlenbeck", "harmonic"), ("double-well", "double-well"), ("doublewell", "double-well"), ("tilted", "tilted"));
        var well = new Option<double>("--well") { Description = "Fokker–Planck: position a of the double-well minima.", DefaultValueFactory = _ => 1.0 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction held out for testing: of the later snapshots (--split time) or of the experiments (--split experiment).", DefaultValueFactory = _ => 0.0 };
        var split = TypedOptions.Choice("--split", "Heat: time (hold out the later snapshots of every experiment) or experiment (hold out the last experiments of the 'experiment' column).", "time",
            ("time", SplitBy.Time), ("experiment", SplitBy.Experiment), ("experiments", SplitBy.Experiment));
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Iteration limit (default 100 for lm, 5000 for adam/sgd)." };
        var optimizer = TypedOptions.Choice("--optimizer", "Optimiser on log α with exact gradients.", "lm",
            ("lm", FitOptimizer.LevenbergMarquardt), ("levenberg-marquardt", FitOptimizer.LevenbergMarquardt), ("gauss-newton", FitOptimizer.LevenbergMarquardt), ("adam", FitOptimizer.Adam), ("sgd", FitOptimizer.Sgd));
        var learningRate = TypedOptions.NumberList("--learning-rate", "Step size in log α for adam/sgd, or a comma list (e.g. 0.003,0.01,0.03) to search: the lowest held-out loss wins.", "0.02");
        var json = new Option<string?>("--json") { Description = "Write the result as JSON (alpha, alpha_std, train_loss, test_loss, iterations, ...).", HelpName = "FILE" }.WritableFile();
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of the data and the fitted model at the first, middle and last snapshots.", HelpName = "FILE" }.WritableFile();
        var forecast = new Option<double?>("--forecast") { Description = "Heat α fit: predict the field at this time from the last snapshot (ends held at their last values).", HelpName = "T" };
        var forecastOut = new Option<string>("--forecast-out") { Description = "CSV (x,u) of the --forecast field.", DefaultValueFactory = _ => "forecast.csv", HelpName = "FILE" }.WritableFile();
        var command = new Command("fit", "Fit a diffusion model to data: first snapshot = initial condition, end values = boundary conditions (heat) or zero-flux walls (fokker-planck); Levenberg–Marquardt on log-parameters with exact gradients; held-out loss over time or whole experiments.")
        { data, equation, estimate, controlPoints, regularisation, loss, potential, well, testFraction, split, maxIterations, optimizer, learningRate, json, plot, forecast, forecastOut };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var model = parse.GetValue(equation) == Equation.FokkerPlanck ? Model.FokkerPlanck : parse.GetValue(estimate) == Estimate.AlphaField ? Model.HeatField : Model.HeatAlpha;
            // The Fokker–Planck and α(x) fits use Levenberg–Marquardt and a time split only: refuse options they would ignore.
            if (model != Model.HeatAlpha && (parse.GetResult(split) is { Implicit: false } || parse.GetResult(optimizer) is { Implicit: false }
                || parse.GetResult(learningRate) is { Implicit: false } || parse.GetValue(forecast) is not null))
                throw new UserErrorException("--split, --optimizer, --learning-rate and --forecast apply to the scalar α fit (--equation heat --estimate alpha); drop them here");
            if (parse.GetResult(forecastOut) is { Implicit: false } && parse.GetValue(forecast) is null)
                throw new UserErrorException("--forecast-out names where the --forecast field goes; add --forecast T or drop --forecast-out");
            if (model != Model.FokkerPlanck && parse.GetValue(loss) != FitLoss.Mse)
                throw new UserErrorException("--loss 'kl' is not supported for the heat fit (KL compares densities); use --loss mse, or --equation fokker-planck for kl");
            var csv = LongFormCsv.Read(parse.GetValue(data)!);
            if (model == Model.FokkerPlanck)
            {
                var basePotential = parse.GetValue(potential) switch
                {
                    "double-well" => Potential.DoubleWell(1, parse.GetValue(well)),
                    "tilted" => Potential.Tilted(1),
                    _ => Potential.Harmonic(1),
                };
                return PdeFitOutput.FokkerPlanck(output, csv, basePotential, parse.GetValue(loss), parse.GetValue(testFraction), parse.GetValue(maxIterations) ?? 100, parse.GetValue(json));
            }
            if (model == Model.HeatField)
                return PdeFitOutput.Field(output, csv, parse.GetValue(controlPoints), parse.GetValue(regularisation)!, parse.GetValue(testFraction), parse.GetValue(json));
            // The plot and the forecast show the first experiment (all of the data when there is one).
            string? firstExperiment = csv.Observations.Count > 0 ? csv.Observations[0].Experiment : null;
            var shown = csv.Observations.Where(o => o.Experiment == firstExperiment).ToArray();
            if (parse.GetValue(forecast) is { } forecastTime)
            {
                // Checked before fitting, so a mistyped time does not cost a whole fit (Forecast checks it again, for library callers).
                double lastSnapshot = shown.Select(o => o.T).DefaultIfEmpty(double.NaN).Max();
                if (!double.IsFinite(forecastTime))
                    throw new UserErrorException($"--forecast must be a finite time, got {forecastTime}; give a time at or after the last snapshot (t = {lastSnapshot:G6})");
                if (!(forecastTime >= lastSnapshot))
                    throw new UserErrorException($"--forecast {forecastTime:G6} is before the last snapshot (t = {lastSnapshot:G6}); give a time at or after it");
            }
            var options = new HeatDiffusivityFitOptions
            {
                TestFraction = parse.GetValue(testFraction),
                Split = parse.GetValue(split),
                MaxIterations = parse.GetValue(maxIterations),
                Optimizer = parse.GetValue(optimizer),
                LearningRateGrid = parse.GetValue(learningRate),
            };
            var fit = HeatDiffusivityFitter.Fit(csv, options);
            output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values){(csv.Experiments > 1 ? $" from {csv.Experiments} experiments" : "")}; train {fit.TrainSnapshots} snapshots / {fit.TrainPoints} values, test {fit.TestSnapshots} / {fit.TestPoints}{(options.Split == SplitBy.Experiment ? " (whole experiments held out)" : "")}");
            output.WriteLine($"alpha = {fit.Alpha:G6} ± {fit.AlphaStd:G3}  train MSE = {fit.TrainLoss:G4}  test MSE = {PdeFitOutput.Loss(fit.TestLoss)}{(double.IsNaN(fit.TestLoss) ? "" : $"  gap = {fit.GeneralisationGap.ToString("G3", CultureInfo.InvariantCulture)}")}  ({PdeFitOutput.Iterations(fit.Iterations, fit.Converged)})");
            if (parse.GetValue(plot) is { } plotPath)
            {
                var (positions, times, predicted) = HeatDiffusivityFitter.Predict(shown, fit.Alpha);
                var series = new List<(string, double[], double[], bool)>();
                foreach (int q in new[] { 0, times.Length / 2, times.Length - 1 }.Distinct())
                {
                    var rows = shown.Where(o => o.T == times[q]).OrderBy(o => o.X).ToArray();
                    series.Add(($"data t = {times[q]:G3}", rows.Select(o => o.X).ToArray(), rows.Select(o => o.U).ToArray(), true));
                    series.Add(($"model t = {times[q]:G3}", positions, predicted[q], false));
                }
                PdePlots.Fit(plotPath, $"Heat equation fit: alpha = {fit.Alpha:G4} ± {fit.AlphaStd:G2}", series);
                output.WriteLine($"plot: {plotPath}");
            }
            if (parse.GetValue(forecast) is { } until)
            {
                var (positions, values) = HeatDiffusivityFitter.Forecast(shown, fit.Alpha, until);
                string path = parse.GetValue(forecastOut)!;
                new Pde.Grids.GridField(Pde.Grids.Grid.Line(positions[0], positions[^1], positions.Length), values).WriteCsv(path, "u");
                output.WriteLine($"forecast at t = {until:G6} from the last snapshot: wrote {path}");
            }
            PdeFitOutput.Write(output, parse.GetValue(json), FitReports.Heat(fit, csv, options));
            return ExitCodes.Success;
        });
        return command;
    }
}
