using Langevin.Limits;
using Langevin.Pde.FokkerPlanck;
using Langevin.Randomness;
using Langevin.Tracking;

namespace Langevin.Pde.Stochastic;

/// <summary>
/// Euler–Maruyama simulation of independent particles obeying dX = −V'(X) dt + √(2D) dW, the Langevin equation
/// whose density solves the Fokker–Planck equation of <see cref="FokkerPlanckProblem"/>:
/// X ← X − V'(X)·dt + √(2D·dt)·ξ, ξ ~ N(0, 1). Weak order 1 in dt. Optional reflecting walls at
/// [min, max] mirror particles back inside, matching the solver's zero-flux walls. Seeded: ξ of particle i at step n
/// is element i of the float64 <see cref="CounterNormal"/> stream keyed <c>SeedTree.Key(seed, n)</c>, so the same
/// seed gives the same trajectories, whatever else runs in the process.
/// </summary>
public sealed class EulerMaruyama
{
    /// <summary>Creates a simulator for the potential and diffusion coefficient D.</summary>
    public EulerMaruyama(Potential potential, double diffusion)
    {
        Potential = potential ?? throw new ArgumentNullException(nameof(potential));
        if (!double.IsFinite(diffusion) || diffusion < 0)
            throw new UserErrorException($"diffusion coefficient D must be ≥ 0 (got {diffusion}); fix {{EulerMaruyama.diffusion}}");
        Diffusion = diffusion;
    }

    /// <summary>The potential V.</summary>
    public Potential Potential { get; }

    /// <summary>Diffusion coefficient D.</summary>
    public double Diffusion { get; }

    /// <summary>Optional reflecting walls (min, max); null means the whole line.</summary>
    public (double Min, double Max)? Walls { get; init; }

    /// <summary>
    /// Advances every particle in <paramref name="positions"/> from 0 to <paramref name="tEnd"/> with ⌈tEnd/dt⌉ equal steps.
    /// </summary>
    /// <exception cref="UserErrorException">For a bad step or a particle that escapes to infinity or NaN.</exception>
    public void Run(Span<double> positions, double dt, double tEnd, int seed)
    {
        var (steps, h) = Plan(positions.Length, dt, tEnd);
        var noise = new double[positions.Length];
        for (int n = 0; n < steps; n++) Step(positions, h, n, seed, noise);
    }

    /// <summary>
    /// <see cref="Run(Span{double}, double, double, int)"/> that shows the positions to <paramref name="trackers"/>:
    /// after each step, every tracker whose time has come sees them (the steps, and so the trajectories, are those of
    /// an untracked run with the same seed); a tracker may stop the run early.
    /// </summary>
    /// <exception cref="UserErrorException">For a bad step or a particle that escapes to infinity or NaN.</exception>
    public TrackedRun Run(double[] positions, double dt, double tEnd, int seed, IEnumerable<Tracker<double[]>> trackers)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var (steps, h) = Plan(positions.Length, dt, tEnd);
        var collection = new TrackerCollection<double[]>(trackers);
        double t = 0;
        var noise = new double[positions.Length];
        int n = 0;
        bool stopped = false;
        try
        {
            stopped = collection.Initialise(positions, 0) == TrackerAction.Stop;
            for (; n < steps && !stopped; n++)
            {
                Step(positions, h, n, seed, noise);
                t = (n + 1) * h;
                stopped = collection.Handle(positions, t) == TrackerAction.Stop && n + 1 < steps;
            }
        }
        finally
        {
            collection.Finalise(positions, t);
        }
        return new TrackedRun(t, n, stopped);
    }

    /// <summary>
    /// Records <paramref name="steps"/> steps of size <paramref name="dt"/>: row n of the result holds all positions at
    /// time n·dt (row 0 is the start). <paramref name="positions"/> ends at the last row.
    /// </summary>
    public double[][] Record(Span<double> positions, double dt, int steps, int seed)
    {
        if (!double.IsFinite(dt) || dt <= 0) throw new UserErrorException($"time step dt must be positive (got {dt}); fix {{EulerMaruyama.dt}}");
        if (steps < 0) throw new UserErrorException($"number of steps must be ≥ 0 (got {steps})");
        var noise = new double[positions.Length];
        var rows = new double[steps + 1][];
        rows[0] = positions.ToArray();
        for (int n = 1; n <= steps; n++)
        {
            Step(positions, dt, n - 1, seed, noise);
            rows[n] = positions.ToArray();
        }
        return rows;
    }

    /// <summary>
    /// The ⌈tEnd/dt⌉ equal steps of a run (none for tEnd = 0) and their size, after refusing a bad step or end time and
    /// a simulation with too many particle steps to finish (or more steps than a counter holds).
    /// </summary>
    private static (int Steps, double Size) Plan(int particles, double dt, double tEnd)
    {
        if (!double.IsFinite(dt) || dt <= 0) throw new UserErrorException($"time step dt must be positive (got {dt}); fix {{EulerMaruyama.dt}}");
        if (!(tEnd >= 0)) throw new UserErrorException($"end time must be ≥ 0 (got {tEnd}); fix {{EulerMaruyama.tEnd}}");
        if (tEnd == 0) return (0, 0);
        double planned = Math.Ceiling(tEnd / dt);
        WorkLimits.CheckSteps(planned, "the simulation", "raise {EulerMaruyama.dt} or lower {EulerMaruyama.tEnd}");
        WorkLimits.CheckUpdates(Math.Max(planned, planned * particles), $"the simulation ({particles} particles × {planned:G3} steps)",
            "raise {EulerMaruyama.dt}, lower {EulerMaruyama.tEnd} or use fewer particles ({EulerMaruyama.count})");
        int steps = (int)Math.Max(1, Math.Ceiling(tEnd / dt * (1 - 1e-12)));
        return (steps, tEnd / steps);
    }

    private void Step(Span<double> positions, double h, int step, int seed, double[] noise)
    {
        CounterNormal.Fill(noise, SeedTree.Key(seed, step), Math.Sqrt(2 * Diffusion * h));
        for (int i = 0; i < positions.Length; i++)
        {
            double x = positions[i];
            x += -Potential.Derivative(x) * h + noise[i];
            if (Walls is { } w) x = Reflect(x, w.Min, w.Max);
            if (!double.IsFinite(x))
                throw new UserErrorException($"a particle diverged (position {x}); the drift is too steep for dt = {h:G4}, reduce {{EulerMaruyama.dt}}");
            positions[i] = x;
        }
    }

    /// <summary>
    /// Draws <paramref name="count"/> initial positions from N(mean, std²) with its own seed (the float64
    /// <see cref="CounterNormal"/> stream at the root of its seed tree).
    /// </summary>
    public static double[] GaussianPositions(int count, double mean, double std, int seed)
    {
        if (count < 1) throw new UserErrorException($"need at least one particle (got {count}); fix {{EulerMaruyama.count}}");
        // Positions, the noise of a step and a copy for the histogram.
        WorkLimits.CheckMemory(3.0 * sizeof(double) * count, $"{count} particles", "use fewer ({EulerMaruyama.count})");
        if (!(std >= 0)) throw new UserErrorException($"initial std must be ≥ 0 (got {std})");
        var x = new double[count];
        CounterNormal.Fill(x, SeedTree.Root(seed), std);
        for (int i = 0; i < count; i++) x[i] += mean;
        return x;
    }

    private static double Reflect(double x, double min, double max)
    {
        double length = max - min;
        // Unfold onto a circle of length 2L and fold back: handles jumps of more than one wall width.
        double y = (x - min) % (2 * length);
        if (y < 0) y += 2 * length;
        return min + (y <= length ? y : 2 * length - y);
    }
}
