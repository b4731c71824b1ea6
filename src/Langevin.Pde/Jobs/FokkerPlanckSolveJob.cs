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

    /// <summary>V(x, y) for a 2D solve (<see cref="Expressions.FieldExpressions.Spatial"/> makes one from text); the 1D
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
        var p = grid.Dimension == 1 ? FokkerPlanckSolver.Gaussian(grid, options.InitialMean, options.InitialStd) : Gaussian2D(grid, options);
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

    private static FokkerPlanckProblem Problem(FokkerPlanckSolveOptions options)
    {
        if (options.PointsY is not { } ny) return new FokkerPlanckProblem(options.XMin, options.XMax, options.Points, options.Potential, options.Diffusion);
        if (options.PotentialField is null)
            throw new UserErrorException("a 2D Fokker–Planck solve needs V(x, y); give {FokkerPlanckSolveOptions.PotentialField}");
        if (!(options.YMax > options.YMin)) throw new UserErrorException($"the y walls need y-min < y-max (got [{options.YMin}, {options.YMax}]); fix {{FokkerPlanckSolveOptions.YMax}}");
        return new FokkerPlanckProblem(new Grid(new Axis(options.XMin, options.XMax, options.Points), new Axis(options.YMin, options.YMax, ny)), options.PotentialField, options.Diffusion);
    }

    /// <summary>A normalised product Gaussian with the options' means and standard deviation on a 2D grid.</summary>
    private static double[] Gaussian2D(Grid grid, FokkerPlanckSolveOptions options)
    {
        double s = options.InitialStd;
        if (!(s > 0)) throw new UserErrorException($"initial Gaussian needs std > 0 (got {s})");
        var p = grid.Sample(point => Math.Exp(-(Math.Pow(point[0] - options.InitialMean, 2) + Math.Pow(point[1] - options.InitialMeanY, 2)) / (2 * s * s)));
        double mass = grid.Integrate(p);
        if (!(mass > 0)) throw new UserErrorException($"the initial Gaussian at ({options.InitialMean}, {options.InitialMeanY}) lies outside the grid; move it inside");
        for (int k = 0; k < p.Length; k++) p[k] /= mass;
        return p;
    }
}
