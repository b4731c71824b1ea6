using System.CommandLine;
using System.Globalization;
using Langevin.Pde.Grids;
using Langevin.Pde.Jobs;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Cli.Commands;

/// <summary><c>pde solve --equation fokker-planck</c>: a density in a potential in 1D, 2D or 3D, written as x[,y[,z]],p.</summary>
internal sealed class PdeSolveFokkerPlanck
{
    private static readonly FokkerPlanckSolveOptions Defaults = new();

    public Option<double> YMin { get; } = new("--y-min") { Description = "Fokker–Planck in 2D (--ny): lower y wall.", DefaultValueFactory = _ => Defaults.YMin };

    public Option<double> YMax { get; } = new("--y-max") { Description = "Fokker–Planck in 2D (--ny): upper y wall.", DefaultValueFactory = _ => Defaults.YMax };

    public Option<double> ZMin { get; } = new("--z-min") { Description = "Fokker–Planck in 3D (--ny, --nz): lower z wall.", DefaultValueFactory = _ => Defaults.ZMin };

    public Option<double> ZMax { get; } = new("--z-max") { Description = "Fokker–Planck in 3D (--ny, --nz): upper z wall.", DefaultValueFactory = _ => Defaults.ZMax };

    public void AddTo(Command command)
    {
        foreach (var option in new[] { YMin, YMax, ZMin, ZMax }) command.Add(option);
    }

    public int Run(ParseResult parse, PotentialOptions fp, int? ny, int? nz, double? dt, Scheme chosen, string? initial,
        List<Tracker<GridField>> trackers, string outFile, string? plotFile, string? snapshots)
    {
        var output = parse.InvocationConfiguration.Output;
        int nx = parse.GetValue(fp.Nx);
        double tEnd = parse.GetValue(fp.TEnd);
        var options = Defaults with
        {
            Diffusion = parse.GetValue(fp.Diffusion), XMin = parse.GetValue(fp.XMin), XMax = parse.GetValue(fp.XMax), Points = nx,
            TimeStep = dt, Scheme = chosen, EndTime = tEnd,
        };
        // The grid first (a file of V is read on it), then V: a 1D shape or expression, or V(x, y[, z]) in 2D/3D.
        int dimension = ny is null ? 1 : nz is null ? 2 : 3;
        string space = dimension switch { 1 => "x", 2 => "x, y", _ => "x, y, z" };
        if (dimension > 1)
            options = options with
            {
                PointsY = ny, YMin = parse.GetValue(YMin), YMax = parse.GetValue(YMax),
                PointsZ = nz, ZMin = parse.GetValue(ZMin), ZMax = parse.GetValue(ZMax),
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
        options = InitialDensity(initial, options);
        var result = FokkerPlanckSolveJob.Run(options, trackers);
        var solution = result.Solution;
        solution.Field.WriteCsv(outFile, "p");
        output.WriteLine($"scheme: {solution.SchemeDescription}");
        string Axes(IReadOnlyList<double> values) => values.Count == 1 ? values[0].ToString("G6", CultureInfo.InvariantCulture) : $"({string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture)))})";
        output.WriteLine($"{name}, D = {result.Problem.Diffusion:G6}: at t = {solution.Run.End:G6} mass = {result.Mass:F12}, mean = {Axes(result.Means)}, variance = {Axes(result.Variances)}; wrote {outFile}");
        PdeSolveCommand.Report(output, solution.Run, snapshots);
        if (plotFile is not null)
        {
            string title = $"Fokker–Planck, {name}, t = {solution.Run.End:G4}";
            if (solution.Field.Grid.Dimension == 1)
                PdePlots.Profile(plotFile, title, "p", solution.Field.Grid.Axes[0].Coordinates(),
                    ("p(x, t)", solution.Field.Values), ("steady state ∝ exp(−V/D)", result.Problem.SteadyState()));
            else if (solution.Field.Grid.Dimension == 2) PdePlots.Heatmap(plotFile, title, solution.Field.Grid, solution.Field.Values);
            else PdePlots.MiddlePlane(plotFile, title, solution.Field.Grid, solution.Field.Values);
            output.WriteLine($"plot: {plotFile}");
        }
        return ExitCodes.Success;
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
}
