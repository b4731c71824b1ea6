using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Langevin.IO;
using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Fitting;
using Langevin.Pde.Heat;
using Langevin.Pde.Operators;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin pde solve|fit</c>: solve the heat (1D rod or 2D plate) or Fokker–Planck equation, and fit α, α(x) or θ, D to data.</summary>
internal static class PdeCommand
{
    public static Command Create() => new("pde", "Diffusion equations: solve the heat or Fokker–Planck equation stably, fit α to data.")
    {
        PdeSolveCommand.Create(),
        Fit(),
    };

    private static Command Fit()
    {
        var data = new Option<string>("--data") { Description = "Long-form CSV with columns t,x,u (rows with missing values are dropped and counted).", Required = true, HelpName = "FILE" };
        var equation = new Option<string>("--equation") { Description = "Model to fit: heat (estimates α) or fokker-planck (estimates θ and D from density snapshots t,x,p).", DefaultValueFactory = _ => "heat" };
        var estimate = new Option<string>("--estimate") { Description = "Heat: alpha (constant diffusivity) or alpha-field (log α(x) piecewise linear on --control-points, smoothness penalty chosen by held-out loss).", DefaultValueFactory = _ => "alpha" };
        var controlPoints = new Option<int>("--control-points") { Description = "alpha-field: number of control points of log α(x).", DefaultValueFactory = _ => 6 };
        var regularisation = new Option<string>("--regularisation") { Description = "alpha-field: smoothness weight λ, or a comma list to search by held-out loss.", DefaultValueFactory = _ => "0,1e-7,1e-6,1e-5,1e-4,1e-3" };
        var loss = new Option<string>("--loss") { Description = "Loss: mse, or kl (fokker-planck only: KL(p_obs ‖ p_model) summed over snapshots, reported per snapshot).", DefaultValueFactory = _ => "mse" };
        var potential = new Option<string>("--potential") { Description = "Fokker–Planck: shape V₀ of the potential V = θ·V₀: harmonic (x²/2), double-well (((x/a)² − 1)², a = --well) or tilted (−x).", DefaultValueFactory = _ => "harmonic" };
        var well = new Option<double>("--well") { Description = "Fokker–Planck: position a of the double-well minima.", DefaultValueFactory = _ => 1.0 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction held out for testing: of the later snapshots (--split time) or of the experiments (--split experiment).", DefaultValueFactory = _ => 0.0 };
        var split = new Option<string>("--split") { Description = "Heat: time (hold out the later snapshots of every experiment) or experiment (hold out the last experiments of the 'experiment' column).", DefaultValueFactory = _ => "time" };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Iteration limit (default 100 for lm, 5000 for adam/sgd)." };
        var optimizer = new Option<string>("--optimizer") { Description = "lm (Levenberg–Marquardt), adam or sgd, all on log α with exact gradients.", DefaultValueFactory = _ => "lm" };
        var learningRate = new Option<string>("--learning-rate") { Description = "Step size in log α for adam/sgd, or a comma list (e.g. 0.003,0.01,0.03) to search: the lowest held-out loss wins.", DefaultValueFactory = _ => "0.02" };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON (alpha, alpha_std, train_loss, test_loss, iterations, ...).", HelpName = "FILE" };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of the data and the fitted model at the first, middle and last snapshots.", HelpName = "FILE" };
        var forecast = new Option<double?>("--forecast") { Description = "Heat α fit: predict the field at this time from the last snapshot (ends held at their last values).", HelpName = "T" };
        var forecastOut = new Option<string>("--forecast-out") { Description = "CSV (x,u) of the --forecast field.", DefaultValueFactory = _ => "forecast.csv", HelpName = "FILE" };
        var command = new Command("fit", "Fit a diffusion model to data: first snapshot = initial condition, end values = boundary conditions (heat) or zero-flux walls (fokker-planck); Levenberg–Marquardt on log-parameters with exact gradients; held-out loss over time or whole experiments.")
        { data, equation, estimate, controlPoints, regularisation, loss, potential, well, testFraction, split, maxIterations, optimizer, learningRate, json, plot, forecast, forecastOut };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string eq = parse.GetValue(equation)!.Trim().ToLowerInvariant();
            // The Fokker–Planck and α(x) fits use Levenberg–Marquardt and a time split only: refuse options they would ignore.
            bool onlyLevenbergMarquardt = eq is "fokker-planck" or "fp" || parse.GetValue(estimate)!.Trim().Equals("alpha-field", StringComparison.OrdinalIgnoreCase);
            if (onlyLevenbergMarquardt && (parse.GetResult(split) is { Implicit: false } || parse.GetResult(optimizer) is { Implicit: false }
                || parse.GetResult(learningRate) is { Implicit: false } || parse.GetValue(forecast) is not null))
                throw new UserErrorException("--split, --optimizer, --learning-rate and --forecast apply to the scalar α fit (--equation heat --estimate alpha); drop them here");
            if (parse.GetResult(forecastOut) is { Implicit: false } && parse.GetValue(forecast) is null)
                throw new UserErrorException("--forecast-out names where the --forecast field goes; add --forecast T or drop --forecast-out");
            if (eq is "fokker-planck" or "fp")
                return FitFokkerPlanck(output, LongFormCsv.Read(parse.GetValue(data)!), parse.GetValue(potential)!, parse.GetValue(well),
                    parse.GetValue(loss)!, parse.GetValue(testFraction), parse.GetValue(maxIterations) ?? 100, parse.GetValue(json));
            if (eq != "heat")
                throw new UserErrorException($"--equation '{parse.GetValue(equation)}' cannot be fitted; use --equation heat or fokker-planck");
            string what = parse.GetValue(estimate)!.Trim().ToLowerInvariant();
            if (what is not ("alpha" or "alpha-field"))
                throw new UserErrorException($"--estimate '{parse.GetValue(estimate)}' is not supported; use --estimate alpha or alpha-field");
            if (!parse.GetValue(loss)!.Equals("mse", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"--loss '{parse.GetValue(loss)}' is not supported for the heat fit (KL compares densities); use --loss mse, or --equation fokker-planck for kl");
            var method = parse.GetValue(optimizer)!.Trim().ToLowerInvariant() switch
            {
                "lm" or "levenberg-marquardt" or "gauss-newton" => FitOptimizer.LevenbergMarquardt,
                "adam" => FitOptimizer.Adam,
                "sgd" => FitOptimizer.Sgd,
                var other => throw new UserErrorException($"--optimizer '{other}' is unknown; use lm, adam or sgd"),
            };
            var splitBy = parse.GetValue(split)!.Trim().ToLowerInvariant() switch
            {
                "time" => SplitBy.Time,
                "experiment" or "experiments" => SplitBy.Experiment,
                var other => throw new UserErrorException($"--split '{other}' is unknown; use time or experiment"),
            };
            var csv = LongFormCsv.Read(parse.GetValue(data)!);
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
            if (what == "alpha-field")
                return FitField(output, csv, parse.GetValue(controlPoints), ParseList(parse.GetValue(regularisation)!, "--regularisation", allowZero: true),
                    parse.GetValue(testFraction), parse.GetValue(json));
            var fit = HeatDiffusivityFitter.Fit(csv, new HeatDiffusivityFitOptions
            {
                TestFraction = parse.GetValue(testFraction),
                Split = splitBy,
                MaxIterations = parse.GetValue(maxIterations) ?? (method == FitOptimizer.LevenbergMarquardt ? 100 : 5000),
                Optimizer = method,
                LearningRateGrid = ParseList(parse.GetValue(learningRate)!, "--learning-rate"),
                Tolerance = method == FitOptimizer.LevenbergMarquardt ? 1e-10 : 1e-7,
            });
            output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values){(csv.Experiments > 1 ? $" from {csv.Experiments} experiments" : "")}; train {fit.TrainSnapshots} snapshots / {fit.TrainPoints} values, test {fit.TestSnapshots} / {fit.TestPoints}{(splitBy == SplitBy.Experiment ? " (whole experiments held out)" : "")}");
            output.WriteLine($"alpha = {fit.Alpha:G6} ± {fit.AlphaStd:G3}  train MSE = {fit.TrainLoss:G4}  test MSE = {(double.IsNaN(fit.TestLoss) ? "n/a" : fit.TestLoss.ToString("G4", CultureInfo.InvariantCulture))}{(double.IsNaN(fit.TestLoss) ? "" : $"  gap = {fit.GeneralisationGap.ToString("G3", CultureInfo.InvariantCulture)}")}  ({fit.Iterations} iterations{(fit.Converged ? "" : ", NOT converged")})");
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
                WriteCsv(path, "x,u", positions, values);
                output.WriteLine($"forecast at t = {until:G6} from the last snapshot: wrote {path}");
            }
            if (parse.GetValue(json) is { } jsonPath)
            {
                var result = new Dictionary<string, object?>
                {
                    ["equation"] = "heat",
                    ["alpha"] = fit.Alpha,
                    ["alpha_std"] = Finite(fit.AlphaStd),
                    ["train_loss"] = fit.TrainLoss,
                    ["test_loss"] = Finite(fit.TestLoss),
                    ["generalisation_gap"] = Finite(fit.GeneralisationGap),
                    ["iterations"] = fit.Iterations,
                    ["converged"] = fit.Converged,
                    ["train_points"] = fit.TrainPoints,
                    ["test_points"] = fit.TestPoints,
                    ["train_snapshots"] = fit.TrainSnapshots,
                    ["test_snapshots"] = fit.TestSnapshots,
                    ["dropped_rows"] = csv.DroppedRows,
                    ["loss"] = "mse",
                    ["split"] = splitBy == SplitBy.Experiment ? "experiment" : "time",
                    ["experiments"] = csv.Experiments,
                    ["optimizer"] = method.ToString(),
                    ["learning_rate"] = Finite(fit.LearningRate),
                    ["search"] = fit.Search.Select(c => new Dictionary<string, object?>
                    {
                        ["learning_rate"] = c.LearningRate,
                        ["alpha"] = c.Alpha,
                        ["train_loss"] = c.TrainLoss,
                        ["test_loss"] = Finite(c.TestLoss),
                        ["iterations"] = c.Iterations,
                    }).ToArray(),
                };
                AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
                output.WriteLine($"wrote {jsonPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary><c>pde fit --equation fokker-planck</c>: θ and D of V = θ·V₀ from density snapshots, MSE or KL loss.</summary>
    private static int FitFokkerPlanck(TextWriter output, LongFormCsv csv, string shape, double well, string lossName, double testFraction, int maxIterations, string? jsonPath)
    {
        var loss = lossName.Trim().ToLowerInvariant() switch
        {
            "mse" => FitLoss.Mse,
            "kl" => FitLoss.Kl,
            var other => throw new UserErrorException($"--loss '{other}' is unknown; use mse or kl"),
        };
        var basePotential = shape.Trim().ToLowerInvariant() switch
        {
            "harmonic" or "ou" or "ornstein-uhlenbeck" => Potential.Harmonic(1),
            "double-well" or "doublewell" => Potential.DoubleWell(1, well),
            "tilted" => Potential.Tilted(1),
            var other => throw new UserErrorException($"--potential '{other}' is unknown; use harmonic, double-well or tilted"),
        };
        if (csv.Dimension != 1) throw new UserErrorException($"the Fokker–Planck fit supports 1D data (t,x,p); this file has {csv.Dimension} space columns");
        var fit = FokkerPlanckFitter.Fit(csv.Observations, basePotential, new FokkerPlanckFitOptions
        {
            TestFraction = testFraction,
            MaxIterations = maxIterations,
            Loss = loss,
        });
        string name = loss == FitLoss.Kl ? "KL/snapshot" : "MSE";
        output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values); V = theta·{basePotential.Name}");
        output.WriteLine($"theta = {fit.Scale:G6} ± {fit.ScaleStd:G3}  D = {fit.Diffusion:G6} ± {fit.DiffusionStd:G3}  train {name} = {fit.TrainLoss:G4}  test {name} = {(double.IsNaN(fit.TestLoss) ? "n/a" : fit.TestLoss.ToString("G4", CultureInfo.InvariantCulture))}  ({fit.Iterations} iterations{(fit.Converged ? "" : ", NOT converged")})");
        if (jsonPath is not null)
        {
            var result = new Dictionary<string, object?>
            {
                ["equation"] = "fokker-planck",
                ["potential"] = basePotential.Name,
                ["theta"] = fit.Scale,
                ["theta_std"] = Finite(fit.ScaleStd),
                ["diffusion"] = fit.Diffusion,
                ["diffusion_std"] = Finite(fit.DiffusionStd),
                ["train_loss"] = fit.TrainLoss,
                ["test_loss"] = Finite(fit.TestLoss),
                ["generalisation_gap"] = Finite(fit.TestLoss - fit.TrainLoss),
                ["iterations"] = fit.Iterations,
                ["converged"] = fit.Converged,
                ["dropped_rows"] = csv.DroppedRows,
                ["loss"] = loss == FitLoss.Kl ? "kl" : "mse",
                ["optimizer"] = "LevenbergMarquardt",
            };
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            output.WriteLine($"wrote {jsonPath}");
        }
        return ExitCodes.Success;
    }

    internal static string SchemeName(Scheme scheme) => scheme switch
    {
        Scheme.Explicit => "explicit",
        Scheme.Implicit => "implicit",
        _ => "Crank–Nicolson",
    };

    /// <summary>Parses a comma-separated list of positive (or, with <paramref name="allowZero"/>, non-negative) numbers.</summary>
    private static double[] ParseList(string text, string option, bool allowZero = false)
    {
        var values = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v) && (v > 0 || (allowZero && v == 0))
                ? v : throw new UserErrorException($"{option}: '{part}' is not a {(allowZero ? "non-negative" : "positive")} number; give one or a comma list such as 0.003,0.01,0.03"))
            .ToArray();
        return values.Length > 0 ? values : throw new UserErrorException($"{option} is empty; give a number or a comma list");
    }

    /// <summary><c>pde fit --estimate alpha-field</c>: α(x) with the smoothness weight chosen by held-out (time-split) loss.</summary>
    private static int FitField(TextWriter output, LongFormCsv csv, int controlPoints, double[] lambdas, double testFraction, string? jsonPath)
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
        output.WriteLine($"lambda = {fit.Regularisation:G3}  alpha(x) = [{string.Join(", ", fit.Alpha.Select(a => a.ToString("G4", CultureInfo.InvariantCulture)))}] at x = [{string.Join(", ", fit.Positions.Select(x => x.ToString("G4", CultureInfo.InvariantCulture)))}]  train MSE = {fit.TrainLoss:G4}  test MSE = {fit.TestLoss:G4}  ({fit.Iterations} iterations{(fit.Converged ? "" : ", NOT converged")})");
        if (jsonPath is not null)
        {
            var result = new Dictionary<string, object?>
            {
                ["equation"] = "heat",
                ["estimate"] = "alpha-field",
                ["positions"] = fit.Positions,
                ["alpha"] = fit.Alpha,
                ["alpha_std"] = fit.AlphaStd.Select(Finite).ToArray(),
                ["regularisation"] = fit.Regularisation,
                ["train_loss"] = fit.TrainLoss,
                ["test_loss"] = Finite(fit.TestLoss),
                ["generalisation_gap"] = Finite(fit.TestLoss - fit.TrainLoss),
                ["iterations"] = fit.Iterations,
                ["converged"] = fit.Converged,
                ["loss"] = "mse",
                ["search"] = fit.Search.Select(c => new Dictionary<string, object?>
                {
                    ["regularisation"] = c.Lambda,
                    ["train_loss"] = c.TrainLoss,
                    ["test_loss"] = Finite(c.TestLoss),
                }).ToArray(),
            };
            AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            output.WriteLine($"wrote {jsonPath}");
        }
        return ExitCodes.Success;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    internal static Scheme ParseScheme(string text) => text.Trim().ToLowerInvariant() switch
    {
        "auto" => Scheme.Auto,
        "explicit" or "ftcs" => Scheme.Explicit,
        "implicit" or "implicit-euler" or "backward-euler" => Scheme.Implicit,
        "crank-nicolson" or "cn" => Scheme.CrankNicolson,
        var other => throw new UserErrorException($"--scheme '{other}' is unknown; use auto, explicit, implicit or crank-nicolson"),
    };

    internal static double[] Coordinates(Pde.Grids.Grid grid)
    {
        var ax = grid.Axes[0];
        var x = new double[ax.Points];
        for (int i = 0; i < x.Length; i++) x[i] = ax.Coordinate(i);
        return x;
    }

    /// <summary>Writes two columns with round-trip precision (invariant culture), atomically.</summary>
    internal static void WriteCsv(string path, string header, IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        var sb = new StringBuilder(header).Append('\n');
        for (int i = 0; i < x.Count; i++)
            sb.Append(x[i].ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(y[i].ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        AtomicFile.WriteAllText(path, sb.ToString());
    }
}
