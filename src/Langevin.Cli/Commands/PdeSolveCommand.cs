using System.CommandLine;
using System.Globalization;
using Langevin.Pde.Grids;
using Langevin.Pde.Jobs;
using Langevin.Pde.Operators;
using Langevin.Pde.Tracking;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin pde solve</c>: maps flags to <see cref="HeatSolveOptions"/> (here) or to the Fokker–Planck, Schrödinger and master jobs (their own files), runs the job, prints its result.</summary>
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
        { ProblemFile.Option(), equation, length, dt, ny, width, nz, depth, scheme, outPath, plot, snapshots, snapshotEvery, steady };
        fields.AddTo(command);
        fp.AddTo(command);
        command.Options.Remove(fp.Initial);
        command.Add(initial);
        var fokkerPlanck = new PdeSolveFokkerPlanck();
        fokkerPlanck.AddTo(command);
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
                            else PdePlots.MiddlePlane(plotFile, title, grid, u);
                            output.WriteLine($"plot: {plotFile}");
                        }
                        return ExitCodes.Success;
                    }
                case "fokker-planck" or "fp":
                    return fokkerPlanck.Run(parse, fp, parse.GetValue(ny), parse.GetValue(nz), parse.GetValue(dt), chosen, parse.GetValue(initial), trackers, outFile, plotFile, parse.GetValue(snapshots));
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

    /// <summary>Says whether the run stopped at steady state and where the snapshots went.</summary>
    internal static void Report(TextWriter output, TrackedRun run, string? snapshots)
    {
        if (run.Stopped) output.WriteLine($"steady state reached at t = {run.End:G6} (|∂u/∂t| within --steady-state): stopped early");
        if (snapshots is not null) output.WriteLine($"snapshots: {snapshots}");
    }
}
