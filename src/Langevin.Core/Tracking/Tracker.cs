namespace Langevin.Tracking;

/// <summary>What a tracker asks of the computation after it has seen a state.</summary>
public enum TrackerAction
{
    /// <summary>Go on.</summary>
    Continue,

    /// <summary>Stop here (the state is final: e.g. a steady state is reached, or a budget is spent).</summary>
    Stop,
}

/// <summary>
/// An observer of a long computation, in the shape of py-pde's trackers: <see cref="Initialise"/> once before the
/// first state, <see cref="Handle"/> every <see cref="Interval"/> units of the computation's progress (time for a
/// solver, epochs for a trainer), and <see cref="Finalise"/> once with the last state. Writers (CSV, JSON lines,
/// plots, checkpoints), progress bars and stop conditions are trackers, so the loops hold none of that code.
/// </summary>
/// <typeparam name="TState">What the computation shows (a field, particle positions, the metrics of an epoch).</typeparam>
public abstract class Tracker<TState>
{
    /// <summary>Creates a tracker handled every <paramref name="interval"/> units of progress, from the start.</summary>
    /// <param name="interval">Positive; <see cref="double.PositiveInfinity"/> handles the first state only (and finalises with the last).</param>
    protected Tracker(double interval)
    {
        if (!(interval > 0)) throw new ArgumentOutOfRangeException(nameof(interval), interval, "a tracker's interval must be positive");
        Interval = interval;
    }

    /// <summary>Units of progress between two calls of <see cref="Handle"/>.</summary>
    public double Interval { get; }

    /// <summary>Called once, before the first state, with the progress the computation starts from.</summary>
    public virtual void Initialise(TState state, double t)
    {
    }

    /// <summary>Sees the state at progress <paramref name="t"/>; the state is only valid during the call.</summary>
    public abstract TrackerAction Handle(TState state, double t);

    /// <summary>Called once with the last state, whether the computation ended, was stopped or failed before its end.</summary>
    public virtual void Finalise(TState state, double t)
    {
    }
}
