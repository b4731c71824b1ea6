using System.CommandLine;
using System.Globalization;
using Langevin.Pde.Grids;
using Langevin.Pde.Jobs;
using Langevin.Pde.Operators;
using Langevin.Pde.Tracking;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin pde solve</c>: maps flags to <see cref="HeatSolveOptions"/> or <see cref="FokkerPlanckSolveOptions"/>, runs the job, prints its result.</summary>
internal static class PdeSolveCommand
{
    public static Command Create()
    {
        var heat = new HeatSolveOptions();
        var equation = new Option<string>("--equation") { Description = "heat, fokker-planck, master or schrodinger.", DefaultValueFactory = _ => "heat" };
        var length = new Option<double>("--length") { Description = "Heat: rod length L (the rod is [0, L]).", DefaultValueFactory = _ => heat.Length };
        var dt = new Option<double?>("--dt") { Description = "Time step (heat default 0.01; Fokker–Planck default t-end/1000)." };
        var ny = new Option<int?>("--ny") { Description = "2D: grid points along y including both ends (heat: the plate [0, L] × [0, W]; fokker-planck: [y-min, y-max]); omit for 1D." };
        var width = new Option<double>("--width") { Description = "Heat in 2D: plate width W along y.", DefaultValueFactory = _ => heat.Width };
        var initial = new Option<string?>("--initial") { Description = "Initial field: heat: a number (uniform), expr:u0(x[,y[,z]]) or csv:FILE (on the grid, as --out writes it); fokker-planck: gaussian:mean=M,std=S[,mean-y=…,mean-z=…], expr:p0(x[,y[,z]]) or csv:FILE (normalised)." };
        var fields = new HeatFieldOptions();
        var nz = new Option<int?>("--nz") { Description = "3D: grid points along z including both ends (heat: the block [0, L] × [0, W] × [0, depth]; fokker-planck: [z-min, z-max]); needs --ny." };
        var depth = new Option<double>("--depth") { Description = "Heat in 3D: block depth along z.", DefaultValueFactory = _ => heat.Depth };
        var yMin = new Option<double>("--y-min") { Description = "Fokker–Planck in 2D (--ny): lower y wall.", DefaultValueFactory = _ => new FokkerPlanckSolveOptions().YMin };
        var zMin = new Option<double>("--z-min") { Description = "Fokker–Planck in 3D (--ny, --nz): lower z wall.", DefaultValueFactory = _ => new FokkerPlanckSolveOptions().ZMin };
        var zMax = new Option<double>("--z-max") { Description = "Fokker–Planck in 3D (--ny, --nz): upper z wall.", DefaultValueFactory = _ => new FokkerPlanckSolveOptions().ZMax };
        var yMax = new Option<double>("--y-max") { Description = "Fokker–Planck in 2D (--ny): upper y wall.", DefaultValueFactory = _ => new FokkerPlanckSolveOptions().YMax };
        var scheme = TypedOptions.Choice("--scheme", "auto (default: explicit when r ≤ 1/4, else Crank–Nicolson with a Rannacher start), explicit, implicit or crank-nicolson.", "auto",
            ("auto", Scheme.Auto), ("explicit", Scheme.Explicit), ("ftcs", Scheme.Explicit), ("implicit", Scheme.Implicit), ("implicit-euler", Scheme.Implicit),
            ("backward-euler", Scheme.Implicit), ("crank-nicolson", Scheme.CrankNicolson), ("cn", Scheme.CrankNicolson));
        var outPath = new Option<string>("--out") { Description = "CSV of the final field: header x,u (heat), x,y,u (heat with --ny) or x,p (fokker-planck).", Required = true, HelpName = "FILE" }.WritableFile();
        var plot = new Option<string?>("--plot") { Description = "Also write a PNG: a profile (1D) or a heatmap (2D).", HelpName = "FILE" }.WritableFile();
        var snapshots = new Option<string?>("--snapshots") { Description = "Also write the field every --snapshot-every as long-form CSV t,x[,y],u (what pde fit reads).", HelpName = "FILE" }.WritableFile();
        var snapshotEvery = new Option<double?>("--snapshot-every") { Description = "Time between snapshots (default t-end/10); the steps shorten to land on them.", HelpName = "T" };
        var steady = new Option<double?>("--steady-state") { Description = "Stop early once |∂u/∂t| ≤ this everywhere (checked every t-end/1000).", HelpName = "ATOL" };
        var fp = new PotentialOptions();
        var command = new Command("solve", "Solve to --t-end and write the final field. --nx counts grid points including both ends (L = 1, --nx 10 gives dx = 1/9).")
        { ProblemFile.Option(), equation, length, dt, ny, width, nz, depth, yMin, yMax, zMin, zMax, scheme, outPath, plot, snapshots, snapshotEvery, steady };
        fields.AddTo(command);
        fp.AddTo(command);
        command.Options.Remove(fp.Initial);
        command.Add(initial);
        var quantum = new PdeSolveSchrodinger();
        command.Add(quantum.Packet);
        var master = new PdeSolveMaster();
        master.AddTo(command);
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            string eq = parse.GetValue(equation)!.Trim().ToLowerInvariant();
            var chosen = parse.GetValue(scheme);
            string outFile = parse.GetValue(outPath)!;
            string? plotFile = parse.GetValue(plot);
            double tEnd = parse.GetValue(fp.TEnd);
            int nx = parse.GetValue(fp.Nx);
            var trackers = Trackers(parse.GetValue(snapshots), parse.GetValue(snapshotEvery), parse.GetValue(steady), tEnd, eq == "heat" ? "u" : "p");
            switch (eq)
            {
                case "heat":
                    {
                        // An option with a default always has a result; Implicit says the user did not type it.
                        if (parse.GetValue(ny) is null && (fields.PlateWallsGiven(parse) || parse.GetResult(width) is { Implicit: false }))
                            throw new UserErrorException("--width, --bottom-value and --top-value describe a 2D plate; add --ny N (or drop them for a 1D rod)");
                        if (parse.GetValue(nz) is null && (fields.BlockWallsGiven(parse) || parse.GetResult(depth) is { Implicit: false }))
                            throw new UserErrorException("--depth, --front-value and --back-value describe a 3D block; add --nz N (and --ny) or drop them");
                        var options = fields.Apply(parse, new HeatSolveOptions
                        {
                            Length = parse.GetValue(length), Points = nx, PointsY = parse.GetValue(ny), Width = parse.GetValue(width),
                            PointsZ = parse.GetValue(nz), Depth = parse.GetValue(depth),
                            TimeStep = parse.GetValue(dt) ?? new HeatSolveOptions().TimeStep, Scheme = chosen, EndTime = tEnd,
                        }, parse.GetValue(initial));
                        var solution = HeatSolveJob.Run(options, trackers);
                        var (grid, u) = (solution.Field.Grid, solution.Field.Values);
                        output.WriteLine($"scheme: {solution.SchemeDescription}");
                        solution.Field.WriteCsv(outFile, "u");
                        string points = grid.Dimension switch
                        {
                            1 => $"{nx} points (dx = {grid.Axes[0].Spacing:G6})",
                            2 => $"{nx} × {grid.Axes[1].Points} points (dx = {grid.Axes[0].Spacing:G6}, dy = {grid.Axes[1].Spacing:G6})",
                            _ => $"{nx} × {grid.Axes[1].Points} × {grid.Axes[2].Points} points (dx = {grid.Axes[0].Spacing:G6}, dy = {grid.Axes[1].Spacing:G6}, dz = {grid.Axes[2].Spacing:G6})",
                        };
                        output.WriteLine($"solved heat equation on {points} to t = {solution.Run.End:G6} in {solution.Run.Steps} steps; wrote {outFile}");
                        Report(output, solution.Run, parse.GetValue(snapshots));
                        if (plotFile is not null)
                        {
                            string title = $"Heat equation, t = {solution.Run.End:G4}, {points[..points.IndexOf(" (", StringComparison.Ordinal)]}, {PdeCommand.SchemeName(solution.Scheme)}";
                            if (grid.Dimension == 1) PdePlots.Profile(plotFile, title, "u", grid.Axes[0].Coordinates(), ("u", u));
                            else if (grid.Dimension == 2) PdePlots.Heatmap(plotFile, title, grid, u);
                            else MiddlePlane(plotFile, title, grid, u);
                            output.WriteLine($"plot: {plotFile}");
                        }
                        return ExitCodes.Success;
                    }
                case "fokker-planck" or "fp":
                    {
                        var defaults = new FokkerPlanckSolveOptions();
                        var options = defaults with
                        {
                            Diffusion = parse.GetValue(fp.Diffusion), XMin = parse.GetValue(fp.XMin), XMax = parse.GetValue(fp.XMax), Points = nx,
                            TimeStep = parse.GetValue(dt), Scheme = chosen, EndTime = tEnd,
                        };
                        // The grid first (a file of V is read on it), then V: a 1D shape or expression, or V(x, y[, z]) in 2D/3D.
                        int dimension = parse.GetValue(ny) is null ? 1 : parse.GetValue(nz) is null ? 2 : 3;
                        string space = dimension switch { 1 => "x", 2 => "x, y", _ => "x, y, z" };
                        if (dimension > 1)
                            options = options with
                            {
                                PointsY = parse.GetValue(ny), YMin = parse.GetValue(yMin), YMax = parse.GetValue(yMax),
                                PointsZ = parse.GetValue(nz), ZMin = parse.GetValue(zMin), ZMax = parse.GetValue(zMax),
                            };
                        string potentialText = parse.GetValue(fp.Potential)!.Trim();
                        string name;
                        if (FieldText.IsFile(potentialText, out string potentialFile))
                        {
                            var field = PotentialFromFile(potentialFile, options);
                            options = dimension == 1
                                ? options with { Potential = new Pde.FokkerPlanck.Potential(x => field([x]), name: $"V(x) from {potentialFile}") }
                                : options with { PotentialField = field };
                            name = $"V({space}) from {potentialFile}";
                        }
                        else if (dimension == 1)
                        {
                            options = options with { Potential = fp.BuildPotential(parse) };
                            name = options.Potential.Name;
                        }
                        else if (FieldText.IsExpression(potentialText, out string potentialExpression))
                        {
                            options = options with { PotentialField = Pde.Expressions.FieldExpressions.Spatial(potentialExpression, $"--potential V({space})", dimension) };
                            name = $"V({space}) = {potentialExpression}";
                        }
                        else throw new UserErrorException($"a {dimension}D Fokker–Planck solve takes --potential expr:V({space}) (e.g. expr:(x**2 + 2*y**2)/2) or csv:FILE; '{potentialText}' is 1D");
                        options = InitialDensity(parse.GetValue(initial), options);
                        var result = FokkerPlanckSolveJob.Run(options, trackers);
                        var solution = result.Solution;
                        solution.Field.WriteCsv(outFile, "p");
                        output.WriteLine($"scheme: {solution.SchemeDescription}");
                        string Axes(IReadOnlyList<double> values) => values.Count == 1 ? values[0].ToString("G6", CultureInfo.InvariantCulture) : $"({string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))})";
                        output.WriteLine($"{name}, D = {result.Problem.Diffusion:G6}: at t = {solution.Run.End:G6} mass = {result.Mass:F12}, mean = {Axes(result.Means)}, variance = {Axes(result.Variances)}; wrote {outFile}");
                        Report(output, solution.Run, parse.GetValue(snapshots));
                        if (plotFile is not null)
                        {
                            string title = $"Fokker–Planck, {name}, t = {solution.Run.End:G4}";
                            if (solution.Field.Grid.Dimension == 1)
                                PdePlots.Profile(plotFile, title, "p", solution.Field.Grid.Axes[0].Coordinates(),
                                    ("p(x, t)", solution.Field.Values), ("steady state ∝ exp(−V/D)", result.Problem.SteadyState()));
                            else if (solution.Field.Grid.Dimension == 2) PdePlots.Heatmap(plotFile, title, solution.Field.Grid, solution.Field.Values);
                            else MiddlePlane(plotFile, title, solution.Field.Grid, solution.Field.Values);
                            output.WriteLine($"plot: {plotFile}");
                        }
                        return ExitCodes.Success;
                    }
                case "schrodinger" or "schrödinger":
                    return quantum.Run(parse, fp, parse.GetValue(dt), outFile, plotFile);
                case "master":
                    return master.Run(parse, tEnd, outFile);
                default:
                    throw new UserErrorException($"--equation '{eq}' is unknown; use heat, fokker-planck, master or schrodinger");
            }
        });
        return command;
    }

    private const int MaxSnapshots = 100_000;

    /// <summary>A 3D field shown by its middle plane across z.</summary>
    private static void MiddlePlane(string plotFile, string title, Grid grid, double[] u)
    {
        int k = grid.Axes[2].Points / 2;
        var plane = new Grid(grid.Axes[0], grid.Axes[1]);
        var slice = new double[plane.Count];
        for (int i = 0; i < grid.Axes[0].Points; i++)
            for (int j = 0; j < grid.Axes[1].Points; j++)
                slice[i * plane.Stride(0) + j * plane.Stride(1)] = u[i * grid.Stride(0) + j * grid.Stride(1) + k * grid.Stride(2)];
        PdePlots.Heatmap(plotFile, $"{title}, z = {grid.Axes[2].Coordinate(k):G4}", plane, slice);
    }

    /// <summary>V read from a CSV file on the solve's grid (the solver takes V at the nodes, so no interpolation is involved).</summary>
    private static SpatialFunction PotentialFromFile(string path, FokkerPlanckSolveOptions options) =>
        GridField.ReadCsv(path, FokkerPlanckSolveJob.Problem(options with { PotentialField = static _ => 0 }).Grid).Interpolant();

    /// <summary>--initial for Fokker–Planck: gaussian:mean=…,std=…[,mean-y=…,mean-z=…], expr:p0(x[,y[,z]]) or csv:FILE (normalised).</summary>
    private static FokkerPlanckSolveOptions InitialDensity(string? text, FokkerPlanckSolveOptions options)
    {
        if (text is null) return options;
        int dimension = options.PointsZ is not null ? 3 : options.PointsY is not null ? 2 : 1;
        if (FieldText.IsExpression(text, out string expression))
            return options with { InitialField = Pde.Expressions.FieldExpressions.Spatial(expression, "--initial p0", dimension) };
        if (FieldText.IsFile(text, out string path))
            return options with { InitialValues = GridField.ReadCsv(path, FokkerPlanckSolveJob.Problem(options).Grid).Values };
        var (mean, std, meanY, meanZ) = PotentialOptions.ParseGaussian3D(text.Trim());
        return options with { InitialMean = mean, InitialStd = std, InitialMeanY = meanY, InitialMeanZ = meanZ };
    }

    private static List<Tracker<GridField>> Trackers(string? snapshots, double? every, double? steady, double tEnd, string valueColumn)
    {
        var trackers = new List<Tracker<GridField>>();
        if (every is not null && snapshots is null) throw new UserErrorException("--snapshot-every sets how often --snapshots writes; add --snapshots FILE or drop it");
        if (snapshots is not null)
        {
            double interval = every ?? tEnd / 10;
            if (!(interval > 0) || !double.IsFinite(interval)) throw new UserErrorException($"--snapshot-every must be a positive time, got {interval}");
            if (tEnd / interval > MaxSnapshots)
                throw new UserErrorException($"--snapshot-every {interval:G3} would write {tEnd / interval:G3} snapshots, more than {MaxSnapshots}; raise --snapshot-every");
            trackers.Add(new FieldCsvTracker(snapshots, interval, valueColumn));
        }
        if (steady is { } atol)
        {
            if (!(atol > 0) || !double.IsFinite(atol)) throw new UserErrorException($"--steady-state must be a positive tolerance on |∂u/∂t|, got {atol}");
            if (!(tEnd > 0)) throw new UserErrorException("--steady-state needs --t-end > 0 (the run to check)");
            trackers.Add(new SteadyStateTracker(tEnd / 1000, atol));
        }
        return trackers;
    }

    private static void Report(TextWriter output, TrackedRun run, string? snapshots)
    {
        if (run.Stopped) output.WriteLine($"steady state reached at t = {run.End:G6} (|∂u/∂t| within --steady-state): stopped early");
        if (snapshots is not null) output.WriteLine($"snapshots: {snapshots}");
    }
}
