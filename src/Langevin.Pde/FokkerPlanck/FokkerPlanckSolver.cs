using Langevin.Limits;
using Langevin.Pde.Grids;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.FokkerPlanck;

/// <summary>
/// Implicit time stepping of a <see cref="FokkerPlanckProblem"/>. <see cref="Scheme.Implicit"/> (the default, and
/// what <see cref="Scheme.Auto"/> picks) is backward Euler — a product of one-dimensional backward-Euler solves in
/// 2D/3D — which keeps p ≥ 0 for any dt because every factor is an M-matrix. <see cref="Scheme.CrankNicolson"/> is
/// second order in time but may undershoot below zero for large steps.
/// </summary>
public sealed class FokkerPlanckSolver
{
    private readonly SplitStepper stepper;

    /// <summary>Creates a solver with step <paramref name="dt"/>.</summary>
    /// <exception cref="UserErrorException">When dt is not positive or the explicit scheme is requested.</exception>
    public FokkerPlanckSolver(FokkerPlanckProblem problem, double dt, Scheme scheme = Scheme.Implicit)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!double.IsFinite(dt) || dt <= 0)
            throw new UserErrorException($"time step dt must be positive and finite (got {dt}); fix {{FokkerPlanckSolver.dt}}");
        if (scheme == Scheme.Explicit)
            throw new UserErrorException("the Fokker–Planck solver is implicit only; use {FokkerPlanckSolver.scheme} implicit or crank-nicolson");
        WorkLimits.CheckMemory(12.0 * sizeof(double) * problem.Grid.Count, $"the Fokker–Planck solve on {problem.Grid.Count} points", "use fewer points ({Axis.points})");
        Problem = problem;
        TimeStep = dt;
        Scheme = scheme == Scheme.Auto ? Scheme.Implicit : scheme;
        stepper = new SplitStepper(problem.BuildOperator());
    }

    /// <summary>The problem.</summary>
    public FokkerPlanckProblem Problem { get; }

    /// <summary>Largest step (runs shrink it slightly to land on the end time).</summary>
    public double TimeStep { get; }

    /// <summary>The scheme in use.</summary>
    public Scheme Scheme { get; }

    /// <summary>Advances the density <paramref name="p"/> from t0 to t1; returns the number of steps.</summary>
    /// <exception cref="UserErrorException">When p becomes NaN or infinite.</exception>
    public int Advance(Span<double> p, double t0, double t1)
    {
        if (p.Length != Problem.Grid.Count) throw new ArgumentException($"density has {p.Length} values, grid has {Problem.Grid.Count}", nameof(p));
        CheckPlan(t0, t1);
        if (!Kernels.AllFinite(p)) throw new UserErrorException("the initial density contains NaN or infinite values; fix the initial condition");
        if (t1 == t0) return 0;
        int steps = (int)Math.Max(1, Math.Ceiling((t1 - t0) / TimeStep * (1 - 1e-12)));
        double dt = (t1 - t0) / steps;
        for (int n = 0; n < steps; n++)
        {
            if (Scheme == Scheme.CrankNicolson) stepper.Step(p, t0 + n * dt, dt, StepMethod.Douglas, 0.5);
            else stepper.Step(p, t0 + n * dt, dt, StepMethod.LieImplicit);
            if (!Kernels.AllFinite(p))
                throw new UserErrorException($"the density became NaN or infinite at t = {t0 + (n + 1) * dt:G6}; check the potential and D");
        }
        return steps;
    }

    /// <summary>
    /// Solves from <paramref name="t0"/> to <paramref name="t1"/> in place, showing the density to
    /// <paramref name="trackers"/> at their times (the run is cut into segments that end exactly where one is due);
    /// a tracker may stop it early.
    /// </summary>
    /// <exception cref="UserErrorException">When p becomes NaN or infinite.</exception>
    public TrackedRun Solve(double[] p, double t0, double t1, IEnumerable<Tracker<GridField>> trackers)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckPlan(t0, t1);
        return new TrackerCollection<GridField>(trackers).Run(new GridField(Problem.Grid, p), t0, t1, (from, to, _) => Advance(p, from, to));
    }

    private void CheckPlan(double t0, double t1) => RunPlan.Check(t0, t1, TimeStep, Problem.Grid.Count, "FokkerPlanckSolver", "the Fokker–Planck solve");

    /// <summary>A normalised Gaussian density on a 1D problem's grid, ∫p = 1 by the trapezoid rule.</summary>
    public static double[] Gaussian(Grid grid, double mean, double std)
    {
        ArgumentNullException.ThrowIfNull(grid);
        if (!(std > 0)) throw new UserErrorException($"initial Gaussian needs std > 0 (got {std})");
        var p = grid.Sample(x => Math.Exp(-(x[0] - mean) * (x[0] - mean) / (2 * std * std)));
        double mass = grid.Integrate(p);
        if (!(mass > 0)) throw new UserErrorException($"initial Gaussian (mean {mean}, std {std}) lies outside the grid; move it inside [x-min, x-max]");
        for (int k = 0; k < p.Length; k++) p[k] /= mass;
        return p;
    }

    /// <summary>Mean and variance of a 1D density by the trapezoid rule.</summary>
    public static (double Mean, double Variance) Moments(Grid grid, ReadOnlySpan<double> p)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var ax = grid.Axes[0];
        double m0 = 0, m1 = 0, m2 = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double w = ax.Weight(i) * ax.Spacing * p[i], x = ax.Coordinate(i);
            m0 += w;
            m1 += w * x;
            m2 += w * x * x;
        }
        double mean = m1 / m0;
        return (mean, m2 / m0 - mean * mean);
    }
}
