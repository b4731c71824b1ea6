namespace Langevin.Tracking;

/// <summary>A tracker made of a function: for a caller's own logging or stop rule, without a class of its own.</summary>
public sealed class CallbackTracker<TState> : Tracker<TState>
{
    private readonly Func<TState, double, TrackerAction> handle;

    /// <summary>Calls <paramref name="handle"/> every <paramref name="interval"/> units of progress.</summary>
    public CallbackTracker(double interval, Func<TState, double, TrackerAction> handle) : base(interval)
    {
        this.handle = handle ?? throw new ArgumentNullException(nameof(handle));
    }

    /// <summary>Calls <paramref name="handle"/> every <paramref name="interval"/> units of progress; never stops the run.</summary>
    public CallbackTracker(double interval, Action<TState, double> handle) : base(interval)
    {
        ArgumentNullException.ThrowIfNull(handle);
        this.handle = (state, t) =>
        {
            handle(state, t);
            return TrackerAction.Continue;
        };
    }

    /// <inheritdoc />
    public override TrackerAction Handle(TState state, double t) => handle(state, t);
}
