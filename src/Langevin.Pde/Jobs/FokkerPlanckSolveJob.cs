using Langevin.Pde.FokkerPlanck;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.Jobs;

/// <summary>
/// Options of <see cref="FokkerPlanckSolveJob"/>: the density of dX = −V'(X) dt + √(2D) dW on [x_min, x_max] with
/// zero-flux walls, from a normal density, to <see cref="EndTime"/>.
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
/// <param name="Mean">Mean of the density.</param>
/// <param name="Variance">Variance of the density.</param>
public sealed record FokkerPlanckSolution(FieldSolution Solution, FokkerPlanckProblem Problem, double Mass, double Mean, double Variance);

/// <summary>Solves the Fokker–Planck equation of <see cref="FokkerPlanckSolveOptions"/>, reporting through trackers.</summary>
public static class FokkerPlanckSolveJob
{
    /// <summary>Solves from t = 0 to the end time (or until a tracker stops the run).</summary>
    /// <exception cref="UserErrorException">For options that cannot be solved.</exception>
    public static FokkerPlanckSolution Run(FokkerPlanckSolveOptions options, IEnumerable<Tracker<GridField>>? trackers = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problem = new FokkerPlanckProblem(options.XMin, options.XMax, options.Points, options.Potential, options.Diffusion);
        var solver = new FokkerPlanckSolver(problem, options.TimeStep ?? Math.Max(options.EndTime, 1e-300) / 1000, options.Scheme);
        var p = FokkerPlanckSolver.Gaussian(problem.Grid, options.InitialMean, options.InitialStd);
        var run = solver.Solve(p, 0, options.EndTime, trackers ?? []);
        var (mean, variance) = FokkerPlanckSolver.Moments(problem.Grid, p);
        string description = $"{(solver.Scheme == Scheme.CrankNicolson ? "Crank–Nicolson" : "implicit Euler (p ≥ 0)")} with Scharfetter–Gummel fluxes, {run.Steps} steps of {options.EndTime / Math.Max(run.Steps, 1):G4}";
        return new FokkerPlanckSolution(new FieldSolution(new GridField(problem.Grid, p), run, solver.Scheme, description), problem,
            problem.Grid.Integrate(p), mean, variance);
    }
}
