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

/// <summary><c>langevin pde solve|fit</c>: solve the heat or Fokker–Planck equation, and fit α to data.</summary>
internal static class PdeCommand
{
    public static Command Create() => new("pde", "Diffusion equations: solve the heat or Fokker–Planck equation stably, fit α to data.")
    {
        Solve(),
        Fit(),
    };

    private static Command Solve()
    {
        var equation = new Option<string>("--equation") { Description = "heat or fokker-planck.", DefaultValueFactory = _ => "heat" };
        var length = new Option<double>("--length") { Description = "Heat: rod length L (the rod is [0, L]).", DefaultValueFactory = _ => 1.0 };
        var alpha = new Option<double>("--alpha") { Description = "Heat: diffusivity α (length²/time).", DefaultValueFactory = _ => 1.0 };
        var dt = new Option<double?>("--dt") { Description = "Time step (heat default 0.01; Fokker–Planck default t-end/1000)." };
        var left = new Option<double>("--left-value") { Description = "Heat: fixed temperature at x = 0.", DefaultValueFactory = _ => 0.0 };
        var right = new Option<double>("--right-value") { Description = "Heat: fixed temperature at x = L.", DefaultValueFactory = _ => 0.0 };
        var initial = new Option<string?>("--initial") { Description = "Initial field: heat: a number (uniform); fokker-planck: gaussian:mean=M,std=S." };
        var scheme = new Option<string>("--scheme") { Description = "auto (default: explicit when r ≤ 1/4, else Crank–Nicolson with a Rannacher start), explicit, implicit or crank-nicolson.", DefaultValueFactory = _ => "auto" };
        var outPath = new Option<string>("--out") { Description = "CSV of the final field: header x,u (heat) or x,p (fokker-planck).", Required = true, HelpName = "FILE" };
        var plot = new Option<string?>("--plot") { Description = "Also write a PNG profile plot.", HelpName = "FILE" };
        var fp = new PotentialOptions();
        // --nx and --t-end are shared by both equations; their defaults come from the potential options.
        var command = new Command("solve", "Solve to --t-end and write the final field. --nx counts grid points including both ends (L = 1, --nx 10 gives dx = 1/9).")
        { equation, length, alpha, dt, left, right, scheme, outPath, plot };
        fp.AddTo(command);
        command.Options.Remove(fp.Initial);
        command.Add(initial);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string eq = parse.GetValue(equation)!.Trim().ToLowerInvariant();
            var chosen = ParseScheme(parse.GetValue(scheme)!);
            string outFile = parse.GetValue(outPath)!;
            string? plotFile = parse.GetValue(plot);
            double tEnd = parse.GetValue(fp.TEnd);
            int nx = parse.GetValue(fp.Nx);
            switch (eq)
            {
                case "heat":
                    {
                        double u0 = 0;
                        string? init = parse.GetValue(initial);
                        if (init is not null && !double.TryParse(init, NumberStyles.Float, CultureInfo.InvariantCulture, out u0))
                            throw new UserErrorException($"--initial '{init}' must be a number for the heat equation (a uniform initial temperature)");
                        double l = parse.GetValue(length);
                        var problem = HeatProblem.Rod(l, nx, parse.GetValue(alpha), parse.GetValue(left), parse.GetValue(right));
                        var solver = HeatSolver.Create(problem, parse.GetValue(dt) ?? 0.01, chosen);
                        output.WriteLine($"scheme: {solver.Description}");
                        var u = problem.Grid.Sample(_ => u0);
                        int steps = solver.Advance(u, 0, tEnd);
                        var x = Coordinates(problem.Grid);
                        WriteCsv(outFile, "x,u", x, u);
                        output.WriteLine($"solved heat equation on {nx} points (dx = {problem.Grid.Axes[0].Spacing:G6}) to t = {tEnd:G6} in {steps} steps; wrote {outFile}");
                        if (plotFile is not null)
                        {
                            PdePlots.Profile(plotFile, $"Heat equation, t = {tEnd:G4}, {nx} points, {SchemeName(solver.Scheme)}", "u", x, ("u", u));
                            output.WriteLine($"plot: {plotFile}");
                        }
                        return ExitCodes.Success;
                    }
                case "fokker-planck" or "fp":
                    {
                        var potential = fp.BuildPotential(parse);
                        var (mean, std) = PotentialOptions.ParseGaussian(parse.GetValue(initial) ?? "gaussian:mean=0,std=1");
                        var problem = new FokkerPlanckProblem(parse.GetValue(fp.XMin), parse.GetValue(fp.XMax), nx, potential, parse.GetValue(fp.Diffusion));
                        double step = parse.GetValue(dt) ?? Math.Max(tEnd, 1e-300) / 1000;
                        var solver = new FokkerPlanckSolver(problem, step, chosen);
                        var p = FokkerPlanckSolver.Gaussian(problem.Grid, mean, std);
                        int steps = solver.Advance(p, 0, tEnd);
                        var x = Coordinates(problem.Grid);
                        WriteCsv(outFile, "x,p", x, p);
                        var (m, v) = FokkerPlanckSolver.Moments(problem.Grid, p);
                        output.WriteLine($"scheme: {(solver.Scheme == Scheme.CrankNicolson ? "Crank–Nicolson" : "implicit Euler (p ≥ 0)")} with Scharfetter–Gummel fluxes, {steps} steps of {tEnd / Math.Max(steps, 1):G4}");
                        output.WriteLine($"{potential.Name}, D = {problem.Diffusion:G6}: at t = {tEnd:G6} mass = {problem.Grid.Integrate(p):F12}, mean = {m:G6}, variance = {v:G6}; wrote {outFile}");
                        if (plotFile is not null)
                        {
                            PdePlots.Profile(plotFile, $"Fokker–Planck, {potential.Name}, t = {tEnd:G4}", "p", x,
                                ("p(x, t)", p), ("steady state ∝ exp(−V/D)", problem.SteadyState()));
                            output.WriteLine($"plot: {plotFile}");
                        }
                        return ExitCodes.Success;
                    }
                default:
                    throw new UserErrorException($"--equation '{eq}' is unknown; use heat or fokker-planck");
            }
        });
        return command;
    }

    private static Command Fit()
    {
        var data = new Option<string>("--data") { Description = "Long-form CSV with columns t,x,u (rows with missing values are dropped and counted).", Required = true, HelpName = "FILE" };
        var equation = new Option<string>("--equation") { Description = "Model to fit: heat.", DefaultValueFactory = _ => "heat" };
        var estimate = new Option<string>("--estimate") { Description = "Parameter to estimate: alpha (constant diffusivity).", DefaultValueFactory = _ => "alpha" };
        var loss = new Option<string>("--loss") { Description = "Loss: mse.", DefaultValueFactory = _ => "mse" };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of the later snapshots held out to test the forecast.", DefaultValueFactory = _ => 0.0 };
        var maxIterations = new Option<int?>("--max-iterations") { Description = "Iteration limit (default 100 for lm, 5000 for adam/sgd)." };
        var optimizer = new Option<string>("--optimizer") { Description = "lm (Levenberg–Marquardt), adam or sgd, all on log α with exact gradients.", DefaultValueFactory = _ => "lm" };
        var learningRate = new Option<double>("--learning-rate") { Description = "Step size in log α for adam/sgd.", DefaultValueFactory = _ => 0.02 };
        var json = new Option<string?>("--json") { Description = "Write the result as JSON (alpha, alpha_std, train_loss, test_loss, iterations, ...).", HelpName = "FILE" };
        var plot = new Option<string?>("--plot") { Description = "Write a PNG of the data and the fitted model at the first, middle and last snapshots.", HelpName = "FILE" };
        var command = new Command("fit", "Fit a diffusion model to data: first snapshot = initial condition, end values = boundary conditions; Levenberg–Marquardt on log α with exact gradients.")
        { data, equation, estimate, loss, testFraction, maxIterations, optimizer, learningRate, json, plot };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            if (!parse.GetValue(equation)!.Equals("heat", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"--equation '{parse.GetValue(equation)}' cannot be fitted yet; use --equation heat");
            if (!parse.GetValue(estimate)!.Equals("alpha", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"--estimate '{parse.GetValue(estimate)}' is not supported; use --estimate alpha");
            if (!parse.GetValue(loss)!.Equals("mse", StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"--loss '{parse.GetValue(loss)}' is not supported for the heat fit; use --loss mse");
            var method = parse.GetValue(optimizer)!.Trim().ToLowerInvariant() switch
            {
                "lm" or "levenberg-marquardt" or "gauss-newton" => FitOptimizer.LevenbergMarquardt,
                "adam" => FitOptimizer.Adam,
                "sgd" => FitOptimizer.Sgd,
                var other => throw new UserErrorException($"--optimizer '{other}' is unknown; use lm, adam or sgd"),
            };
            var csv = LongFormCsv.Read(parse.GetValue(data)!);
            var fit = HeatDiffusivityFitter.Fit(csv, new HeatDiffusivityFitOptions
            {
                TestFraction = parse.GetValue(testFraction),
                MaxIterations = parse.GetValue(maxIterations) ?? (method == FitOptimizer.LevenbergMarquardt ? 100 : 5000),
                Optimizer = method,
                LearningRate = parse.GetValue(learningRate),
                Tolerance = method == FitOptimizer.LevenbergMarquardt ? 1e-10 : 1e-7,
            });
            output.WriteLine($"read {csv.Observations.Count} rows ({csv.DroppedRows} dropped for missing values); train {fit.TrainSnapshots} snapshots / {fit.TrainPoints} values, test {fit.TestSnapshots} / {fit.TestPoints}");
            output.WriteLine($"alpha = {fit.Alpha:G6} ± {fit.AlphaStd:G3}  train MSE = {fit.TrainLoss:G4}  test MSE = {(double.IsNaN(fit.TestLoss) ? "n/a" : fit.TestLoss.ToString("G4", CultureInfo.InvariantCulture))}  ({fit.Iterations} iterations{(fit.Converged ? "" : ", NOT converged")})");
            if (parse.GetValue(plot) is { } plotPath)
            {
                var (positions, times, predicted) = HeatDiffusivityFitter.Predict(csv.Observations, fit.Alpha);
                var series = new List<(string, double[], double[], bool)>();
                foreach (int q in new[] { 0, times.Length / 2, times.Length - 1 }.Distinct())
                {
                    var rows = csv.Observations.Where(o => o.T == times[q]).OrderBy(o => o.X).ToArray();
                    series.Add(($"data t = {times[q]:G3}", rows.Select(o => o.X).ToArray(), rows.Select(o => o.U).ToArray(), true));
                    series.Add(($"model t = {times[q]:G3}", positions, predicted[q], false));
                }
                PdePlots.Fit(plotPath, $"Heat equation fit: alpha = {fit.Alpha:G4} ± {fit.AlphaStd:G2}", series);
                output.WriteLine($"plot: {plotPath}");
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
                    ["optimizer"] = method.ToString(),
                };
                AtomicFile.WriteAllText(jsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }) + "\n");
                output.WriteLine($"wrote {jsonPath}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static string SchemeName(Scheme scheme) => scheme switch
    {
        Scheme.Explicit => "explicit",
        Scheme.Implicit => "implicit",
        _ => "Crank–Nicolson",
    };

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
