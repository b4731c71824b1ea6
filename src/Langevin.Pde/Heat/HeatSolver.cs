using Langevin.Pde.Grids;
using Langevin.Limits;
using Langevin.Pde.Operators;
using Langevin.Tracking;

namespace Langevin.Pde.Heat;

/// <summary>
/// Time integration of a <see cref="HeatProblem"/>. Create it with the wanted step and <see cref="Scheme"/>;
/// an explicit request with an unstable step is refused before any work is done, and <see cref="Scheme.Auto"/>
/// resolves to a concrete choice that <see cref="Description"/> reports.
/// </summary>
public sealed class HeatSolver
{
    private const double RannacherSubsteps = 4;
    private readonly SplitStepper stepper;
    private readonly bool rannacherStartup;
    private double[]? explicitScratch;

    private HeatSolver(HeatProblem problem, SplitStepper stepper, double dt, Scheme scheme, double r, double maxStableDt, bool rannacher, string description)
    {
        Problem = problem;
        this.stepper = stepper;
        TimeStep = dt;
        Scheme = scheme;
        StabilityNumber = r;
        MaxStableExplicitTimeStep = maxStableDt;
        rannacherStartup = rannacher;
        Description = description;
    }

    /// <summary>The problem being solved.</summary>
    public HeatProblem Problem { get; }

    /// <summary>Largest time step used (a run shrinks it slightly so that it lands exactly on the end time).</summary>
    public double TimeStep { get; }

    /// <summary>The concrete scheme in use (never <see cref="Scheme.Auto"/>).</summary>
    public Scheme Scheme { get; }

    /// <summary>r = Σ α·dt/dx² (its maximum over the grid; wall conditions included) for the requested dt.</summary>
    public double StabilityNumber { get; }

    /// <summary>Largest dt for which the explicit scheme is stable (r = ½).</summary>
    public double MaxStableExplicitTimeStep { get; }

    /// <summary>One line saying which scheme runs and why (for logs and the CLI).</summary>
    public string Description { get; }

    /// <summary>Creates a solver.</summary>
    /// <exception cref="UserErrorException">When dt is not positive, or the explicit scheme would be unstable.</exception>
    public static HeatSolver Create(HeatProblem problem, double dt, Scheme scheme = Scheme.Auto)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!double.IsFinite(dt) || dt <= 0)
            throw new UserErrorException($"time step dt must be positive and finite (got {dt}); fix {{HeatSolver.dt}}");
        // The operator, two line factorisations (start-up and main step), the stepper's scratch and the field: ~16 arrays.
        WorkLimits.CheckMemory(16.0 * sizeof(double) * problem.Grid.Count, $"the heat solve on {problem.Grid.Count} points", "use fewer points ({Axis.points})");
        var op = problem.BuildOperator();
        double maxDiagonal = op.MaxDiagonal();
        double r = dt * maxDiagonal / 2;
        double maxStable = maxDiagonal > 0 ? 1 / maxDiagonal : double.PositiveInfinity;
        string rText = $"r = Σα·dt/dx² = {r:G4}";
        var stepper = new SplitStepper(op);
        switch (scheme)
        {
            case Scheme.Explicit:
                if (r > 0.5 * (1 + 1e-12))
                    throw new UserErrorException(
                        $"explicit scheme is unstable: {rText} > 0.5; use dt ≤ {maxStable:G6} or {{HeatSolver.scheme}} auto, implicit or crank-nicolson");
                return new HeatSolver(problem, stepper, dt, Scheme.Explicit, r, maxStable, false, $"explicit (FTCS), {rText} ≤ 0.5");
            case Scheme.Implicit:
                return new HeatSolver(problem, stepper, dt, Scheme.Implicit, r, maxStable, false,
                    problem.Grid.Dimension == 1 ? $"implicit Euler (Thomas), {rText}" : $"implicit Douglas ADI (θ = 1), {rText}");
            case Scheme.CrankNicolson:
                return new HeatSolver(problem, stepper, dt, Scheme.CrankNicolson, r, maxStable, false,
                    problem.Grid.Dimension == 1 ? $"Crank–Nicolson (Thomas), {rText}" : $"Crank–Nicolson Douglas ADI (θ = ½), {rText}");
            case Scheme.Auto:
                if (r <= 0.25)
                    return new HeatSolver(problem, stepper, dt, Scheme.Explicit, r, maxStable, false,
                        $"auto: explicit (FTCS), since {rText} ≤ 0.25 is stable and free of oscillations");
                return new HeatSolver(problem, stepper, dt, Scheme.CrankNicolson, r, maxStable, true,
                    $"auto: Crank–Nicolson{(problem.Grid.Dimension == 1 ? "" : " ADI")} with a Rannacher start-up (4 implicit quarter steps), since {rText} > 0.25 (explicit needs dt ≤ {maxStable:G6})");
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme));
        }
    }

    /// <summary>
    /// Advances <paramref name="u"/> (a field on the problem's grid) from <paramref name="t0"/> to <paramref name="t1"/>
    /// with ⌈(t1 − t0)/dt⌉ equal steps. Dirichlet values overwrite u at t0 and are imposed at each new time level.
    /// When <see cref="Scheme.Auto"/> chose Crank–Nicolson, the first step of every call is replaced by four implicit
    /// Euler quarter steps (Rannacher start-up), which damps the ringing caused by jumps in the data at t0.
    /// </summary>
    /// <returns>The number of steps taken.</returns>
    /// <exception cref="UserErrorException">When the field becomes NaN or infinite.</exception>
    public int Advance(Span<double> u, double t0, double t1)
    {
        CheckPlan(t0, t1);
        return Advance(u, t0, t1, rannacherStartup);
    }

    /// <summary>
    /// Solves from <paramref name="t0"/> to <paramref name="t1"/> in place, showing the field to
    /// <paramref name="trackers"/> at their times: the run is cut into segments that end exactly where a tracker is
    /// due (each of ⌈length/dt⌉ equal steps, the Rannacher start-up only on the first), and a tracker may stop it
    /// early (e.g. <see cref="Tracking.SteadyStateTracker"/>).
    /// </summary>
    /// <exception cref="UserErrorException">When the field becomes NaN or infinite.</exception>
    public TrackedRun Solve(double[] u, double t0, double t1, IEnumerable<Tracker<GridField>> trackers)
    {
        ArgumentNullException.ThrowIfNull(u);
        CheckPlan(t0, t1);
        stepper.Operator.ApplyDirichlet(t0, u);
        return new TrackerCollection<GridField>(trackers).Run(new GridField(Problem.Grid, u), t0, t1, (from, to, first) => Advance(u, from, to, first && rannacherStartup));
    }

    private void CheckPlan(double t0, double t1) => RunPlan.Check(t0, t1, TimeStep, Problem.Grid.Count, "HeatSolver", "the heat solve");

    private int Advance(Span<double> u, double t0, double t1, bool startup)
    {
        if (u.Length != Problem.Grid.Count)
            throw new ArgumentException($"field has {u.Length} values, grid has {Problem.Grid.Count}", nameof(u));
        if (!(t1 >= t0)) throw new UserErrorException($"end time {t1} is before start time {t0}; fix {{HeatSolver.t1}}");
        if (!Kernels.AllFinite(u)) throw new UserErrorException("the initial field contains NaN or infinite values; fix the initial condition");
        // Boundary values override the initial field on Dirichlet nodes, so that the first step already sees them.
        stepper.Operator.ApplyDirichlet(t0, u);
        if (t1 == t0) return 0;
        int steps = (int)Math.Max(1, Math.Ceiling((t1 - t0) / TimeStep * (1 - 1e-12)));
        double dt = (t1 - t0) / steps;
        if (Scheme == Scheme.Explicit)
        {
            AdvanceExplicit(u, t0, dt, steps);
            return steps;
        }
        for (int n = 0; n < steps; n++)
        {
            double t = t0 + n * dt;
            if (n == 0 && startup)
            {
                double h = dt / RannacherSubsteps;
                for (int q = 0; q < RannacherSubsteps; q++) stepper.Step(u, t + q * h, h, StepMethod.LieImplicit);
            }
            else
            {
                stepper.Step(u, t, dt, StepMethod.Douglas, Scheme == Scheme.Implicit ? 1.0 : 0.5);
            }
            if (!Kernels.AllFinite(u)) throw NotFinite(t + dt, n + 1);
        }
        return steps;
    }

    /// <summary>
    /// Explicit steps alternate between u and a scratch array (no copy per step). A NaN or ∞ never disappears again in a
    /// linear update, so checking every 16 steps and at the end catches it at a cost of ~1/16 of a pass per step.
    /// </summary>
    private void AdvanceExplicit(Span<double> u, double t0, double dt, int steps)
    {
        var scratch = explicitScratch ??= new double[u.Length];
        Span<double> from = u, to = scratch;
        for (int n = 0; n < steps; n++)
        {
            stepper.ExplicitInto(from, to, t0 + n * dt, dt);
            var swap = from;
            from = to;
            to = swap;
            if (((n + 1) % 16 == 0 || n == steps - 1) && !Kernels.AllFinite(from)) throw NotFinite(t0 + (n + 1) * dt, n + 1);
        }
        if (steps % 2 == 1) from.CopyTo(u);
    }

    private static UserErrorException NotFinite(double t, int step) =>
        new($"the solution became NaN or infinite by t = {t:G6} (step {step}); check the source, boundary values and coefficients, or reduce dt");

    /// <summary>Solves from t = 0 to <paramref name="tEnd"/> starting from <paramref name="initial"/>; returns the final field.</summary>
    public double[] Solve(ReadOnlySpan<double> initial, double tEnd)
    {
        var u = initial.ToArray();
        Advance(u, 0, tEnd);
        return u;
    }
}
