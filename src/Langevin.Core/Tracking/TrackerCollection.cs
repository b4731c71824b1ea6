namespace Langevin.Tracking;

/// <summary>How a tracked run ended.</summary>
/// <param name="End">Progress reached (the end asked for, or where a tracker stopped the run).</param>
/// <param name="Steps">Steps the computation reported taking.</param>
/// <param name="Stopped">Whether a tracker stopped the run before its end.</param>
public sealed record TrackedRun(double End, long Steps, bool Stopped);

/// <summary>
/// The trackers of one computation: decides which are due and when the next one is. A tracker with interval Δ that
/// starts at t₀ is due at t₀ + kΔ (computed, not accumulated, so that a long run does not drift).
/// </summary>
/// <typeparam name="TState">What the computation shows.</typeparam>
public sealed class TrackerCollection<TState>
{
    private readonly Tracker<TState>[] trackers;
    private readonly long[] handled;
    private double start;

    /// <summary>Collects <paramref name="trackers"/> (none is fine).</summary>
    public TrackerCollection(IEnumerable<Tracker<TState>>? trackers)
    {
        this.trackers = trackers?.ToArray() ?? [];
        foreach (var tracker in this.trackers) ArgumentNullException.ThrowIfNull(tracker, nameof(trackers));
        handled = new long[this.trackers.Length];
    }

    /// <summary>The progress at which the next tracker is due (+∞ when none will be).</summary>
    public double NextDue
    {
        get
        {
            double next = double.PositiveInfinity;
            for (int i = 0; i < trackers.Length; i++) next = Math.Min(next, DueTime(i));
            return next;
        }
    }

    /// <summary>Initialises every tracker at <paramref name="t"/> and handles the first state.</summary>
    public TrackerAction Initialise(TState state, double t)
    {
        start = t;
        Array.Clear(handled);
        foreach (var tracker in trackers) tracker.Initialise(state, t);
        return Handle(state, t);
    }

    /// <summary>Handles the state at progress <paramref name="t"/> with every tracker that is due by then.</summary>
    public TrackerAction Handle(TState state, double t)
    {
        var action = TrackerAction.Continue;
        for (int i = 0; i < trackers.Length; i++)
        {
            if (!IsDue(i, t)) continue;
            if (trackers[i].Handle(state, t) == TrackerAction.Stop) action = TrackerAction.Stop;
            // Skip every due time already passed (jumping close by division, so that a tiny interval costs no loop):
            // a tracker sees each state at most once.
            double passed = (t - start) / trackers[i].Interval;
            if (double.IsFinite(passed) && passed > handled[i] + 1) handled[i] = (long)Math.Min(passed, long.MaxValue / 2);
            while (IsDue(i, t)) handled[i]++;
        }
        return action;
    }

    /// <summary>Finalises every tracker with the last state.</summary>
    public void Finalise(TState state, double t)
    {
        foreach (var tracker in trackers) tracker.Finalise(state, t);
    }

    /// <summary>
    /// Runs a time-stepping computation from <paramref name="t0"/> to <paramref name="t1"/> in segments that end
    /// exactly where a tracker is due, so that every tracker sees the state at its own times.
    /// </summary>
    /// <param name="state">The computation's state, advanced in place by <paramref name="advance"/>.</param>
    /// <param name="t0">Start.</param>
    /// <param name="t1">End (≥ t0).</param>
    /// <param name="advance">Advances the state over one segment (from, to, whether it is the first) and returns the steps taken.</param>
    public TrackedRun Run(TState state, double t0, double t1, Func<double, double, bool, long> advance)
    {
        ArgumentNullException.ThrowIfNull(advance);
        if (!(t1 >= t0)) throw new ArgumentOutOfRangeException(nameof(t1), t1, $"the end must not be before the start ({t0})");
        double t = t0;
        long steps = 0;
        bool stopped = false;
        try
        {
            stopped = Initialise(state, t0) == TrackerAction.Stop;
            while (!stopped && t < t1)
            {
                double next = Math.Min(NextDue, t1);
                steps += advance(t, next, t == t0);
                t = next;
                stopped = Handle(state, t) == TrackerAction.Stop && t < t1;
            }
        }
        finally
        {
            Finalise(state, t);
        }
        return new TrackedRun(t, steps, stopped);
    }

    private double DueTime(int i) => handled[i] == 0 ? start : start + handled[i] * trackers[i].Interval;

    // Round-off in t (a sum of steps) must not make a tracker miss its time: a relative slack of 1e-12.
    private bool IsDue(int i, double t) => DueTime(i) <= t + 1e-12 * Math.Abs(t);
}
