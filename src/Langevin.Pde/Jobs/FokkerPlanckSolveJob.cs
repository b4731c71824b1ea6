using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.Jobs;

/// <summary>
/// Options of <see cref="FokkerPlanckSolveJob"/>: the density of dX = −∇V(X) dt + √(2D) dW on [x_min, x_max] (and
/// [y_min, y_max] with <see cref="PointsY"/>) with zero-flux walls, from a normal density, to <see cref="EndTime"/>.
/// </summary>
public sealed record FokkerPlanckSolveOptions
{
    /// <summary>The potential V.</summary>
    public Potential Potential { get; init; } = Potential.Harmonic(1);

    /// <summary>Diffusion coefficient D.</summary>
    public double Diffusion { get; init; } = 1;

    /// <summary>Left wall.</summary>
    public double XMin { get; init; } = -5;

    /// <summary>Right wall.</summary>
    public double XMax { get; init; } = 5;

    /// <summary>Grid points, both walls included.</summary>
    public int Points { get; init; } = 201;

    /// <summary>Grid points along y for a 2D solve (both walls included); null for 1D.</summary>
    public int? PointsY { get; init; }

    /// <summary>Lower y wall (2D).</summary>
    public double YMin { get; init; } = -5;

    /// <summary>Upper y wall (2D).</summary>
    public double YMax { get; init; } = 5;

    /// <summary>Grid points along z for a 3D solve (needs <see cref="PointsY"/>); null for 1D and 2D.</summary>
    public int? PointsZ { get; init; }

    /// <summary>Lower z wall (3D).</summary>
    public double ZMin { get; init; } = -5;

    /// <summary>Upper z wall (3D).</summary>
    public double ZMax { get; init; } = 5;

    /// <summary>Mean along z of the initial normal density (3D).</summary>
    public double InitialMeanZ { get; init; }

    /// <summary>The initial density as a function of position (normalised to ∫p = 1 on the grid), instead of the normal one.</summary>
    public SpatialFunction? InitialField { get; init; }

    /// <summary>The initial density at every node, in the grid's order (normalised to ∫p = 1), instead of the normal one.</summary>
    public double[]? InitialValues { get; init; }

    /// <summary>V(x, y[, z]) for a 2D or 3D solve (<see cref="Expressions.FieldExpressions.Spatial"/> makes one from text); the 1D
    /// <see cref="Potential"/> is not used then.</summary>
    public SpatialFunction? PotentialField { get; init; }

    /// <summary>Mean along y of the initial normal density (2D).</summary>
    public double InitialMeanY { get; init; }

    /// <summary>Mean of the initial normal density.</summary>
    public double InitialMean { get; init; }

    /// <summary>Standard deviation of the initial normal density.</summary>
    public double InitialStd { get; init; } = 1;

    /// <summary>Time step; null takes a thousandth of the end time.</summary>
    public double? TimeStep { get; init; }

    /// <summary>Implicit Euler (keeps p ≥ 0; what <see cref="Scheme.Auto"/> picks) or Crank–Nicolson.</summary>
    public Scheme Scheme { get; init; } = Scheme.Auto;

    /// <summary>End time.</summary>
    public double EndTime { get; init; } = 1;
}

/// <summary>A Fokker–Planck solve: the density and its moments, with the discrete steady state to compare with.</summary>
/// <param name="Solution">The density at the end, how the run went and the scheme.</param>
/// <param name="Problem">The problem solved.</param>
/// <param name="Mass">∫p (1 to round-off: the scheme conserves mass).</param>
/// <param name="Means">Mean of the density along each axis.</param>
/// <param name="Variances">Variance of the density along each axis.</param>
public sealed record FokkerPlanckSolution(FieldSolution Solution, FokkerPlanckProblem Problem, double Mass, IReadOnlyList<double> Means, IReadOnlyList<double> Variances);

/// <summary>Solves the Fokker–Planck equation of <see cref="FokkerPlanckSolveOptions"/>, reporting through trackers.</summary>
public static class FokkerPlanckSolveJob
{
    /// <summary>Solves from t = 0 to the end time (or until a tracker stops the run).</summary>
    /// <exception cref="UserErrorException">For options that cannot be solved.</exception>
    public static FokkerPlanckSolution Run(FokkerPlanckSolveOptions options, IEnumerable<Tracker<GridField>>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = Problem(options);
        var grid = problem.Grid;
        var solver = new FokkerPlanckSolver(problem, options.TimeStep ?? Math.Max(options.EndTime, 1e-300) / 1000, options.Scheme);
        var p = Initial(grid, options);
        var run = solver.Solve(p, 0, options.EndTime, trackers ?? []);
        var means = new double[grid.Dimension];
        var variances = new double[grid.Dimension];
        double mass = grid.Integrate(p);
        for (int a = 0; a < grid.Dimension; a++)
        {
            int axis = a;
            var weighted = grid.Sample(point => point[axis]);
            var squared = grid.Sample(point => point[axis] * point[axis]);
            for (int k = 0; k < p.Length; k++)
            {
                weighted[k] *= p[k];
                squared[k] *= p[k];
            }
            means[a] = grid.Integrate(weighted) / mass;
            variances[a] = grid.Integrate(squared) / mass - means[a] * means[a];
        }
        string description = $"{(solver.Scheme == Scheme.CrankNicolson ? "Crank–Nicolson" : "implicit Euler (p ≥ 0)")} with Scharfetter–Gummel fluxes, {run.Steps} steps of {options.EndTime / Math.Max(run.Steps, 1):G4}";
        return new FokkerPlanckSolution(new FieldSolution(new GridField(grid, p), run, solver.Scheme, description), problem, mass, means, variances);
    }

    /// <summary>The problem's grid: [x-min, x-max], times [y-min, y-max] with <see cref="FokkerPlanckSolveOptions.PointsY"/>, times
    /// [z-min, z-max] with <see cref="FokkerPlanckSolveOptions.PointsZ"/>.</summary>
    /// <exception cref="UserErrorException">For walls out of order, a z axis without a y axis, or 2D/3D without V(x, y[, z]).</exception>
    public static FokkerPlanckProblem Problem(FokkerPlanckSolveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PointsY is not { } ny)
        {
            if (options.PointsZ is not null) throw new UserErrorException("a 3D Fokker–Planck solve needs a y axis too; give {FokkerPlanckSolveOptions.PointsY}");
            return new FokkerPlanckProblem(options.XMin, options.XMax, options.Points, options.Potential, options.Diffusion);
        }
        if (options.PotentialField is null)
            throw new UserErrorException("a 2D or 3D Fokker–Planck solve needs V(x, y[, z]); give {FokkerPlanckSolveOptions.PotentialField}");
        if (!(options.YMax > options.YMin)) throw new UserErrorException($"the y walls need y-min < y-max (got [{options.YMin}, {options.YMax}]); fix {{FokkerPlanckSolveOptions.YMax}}");
        var axes = new List<Axis> { new(options.XMin, options.XMax, options.Points), new(options.YMin, options.YMax, ny) };
        if (options.PointsZ is { } nz)
        {
            if (!(options.ZMax > options.ZMin)) throw new UserErrorException($"the z walls need z-min < z-max (got [{options.ZMin}, {options.ZMax}]); fix {{FokkerPlanckSolveOptions.ZMax}}");
            axes.Add(new Axis(options.ZMin, options.ZMax, nz));
        }
        return new FokkerPlanckProblem(new Grid([.. axes]), options.PotentialField, options.Diffusion);
    }

    /// <summary>The initial density, normalised to ∫p = 1: the given field or values, else a product normal density.</summary>
    private static double[] Initial(Grid grid, FokkerPlanckSolveOptions options)
    {
        var p = grid.InitialField(options.InitialField, options.InitialValues, "density", "{FokkerPlanckSolveOptions.InitialValues}");
        if (p is null)
        {
            double s = options.InitialStd;
            if (!(s > 0)) throw new UserErrorException($"initial Gaussian needs std > 0 (got {s})");
            double[] mean = [options.InitialMean, options.InitialMeanY, options.InitialMeanZ];
            p = grid.Sample(point =>
            {
                double r2 = 0;
                for (int a = 0; a < point.Length; a++) r2 += (point[a] - mean[a]) * (point[a] - mean[a]);
                return Math.Exp(-r2 / (2 * s * s));
            });
        }
        if (p.Any(v => !double.IsFinite(v) || v < 0)) throw new UserErrorException("the initial density must be finite and ≥ 0 at every node; fix the initial field");
        double mass = grid.Integrate(p);
        if (!(mass > 0)) throw new UserErrorException("the initial density has no mass on the grid; move it inside the walls");
        for (int k = 0; k < p.Length; k++) p[k] /= mass;
        return p;
    }
}
