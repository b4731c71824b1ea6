using Langevin.Pde.Grids;
using Langevin.Tracking;

namespace Langevin.Pde.Tracking;

/// <summary>
/// Stops a run once the field no longer changes: between two checks Δt apart, every node moved by at most
/// (atol + rtol·|u|)·Δt, i.e. |∂u/∂t| ≤ atol + rtol·|u| (py-pde's SteadyStateTracker).
/// </summary>
public sealed class SteadyStateTracker : Tracker<GridField>
{
    private readonly double absolute, relative;
    private double[]? previous;
    private double previousTime;

    /// <summary>Checks every <paramref name="interval"/> units of time.</summary>
    /// <param name="interval">Time between checks (the rate is measured over it).</param>
    /// <param name="absoluteTolerance">atol, in field units per unit time.</param>
    /// <param name="relativeTolerance">rtol, per unit time.</param>
    public SteadyStateTracker(double interval, double absoluteTolerance, double relativeTolerance = 0) : base(interval)
    {
        if (!(absoluteTolerance >= 0) || !(relativeTolerance >= 0) || absoluteTolerance + relativeTolerance == 0)
            throw new ArgumentOutOfRangeException(nameof(absoluteTolerance), "the tolerances must be ≥ 0 and not both 0");
        absolute = absoluteTolerance;
        relative = relativeTolerance;
    }

    /// <summary>The time at which the run was found steady, or null.</summary>
    public double? SteadyAt { get; private set; }

    /// <inheritdoc />
    public override void Initialise(GridField state, double t)
    {
        previous = null;
        SteadyAt = null;
    }

    /// <inheritdoc />
    public override TrackerAction Handle(GridField state, double t)
    {
        if (previous is not null && t > previousTime)
        {
            double dt = t - previousTime;
            bool steady = true;
            var u = state.Values;
            for (int k = 0; k < u.Length && steady; k++)
                steady = Math.Abs(u[k] - previous[k]) <= (absolute + relative * Math.Abs(u[k])) * dt;
            if (steady)
            {
                SteadyAt = t;
                return TrackerAction.Stop;
            }
        }
        previous ??= new double[state.Values.Length];
        state.Values.CopyTo(previous, 0);
        previousTime = t;
        return TrackerAction.Continue;
    }
}
