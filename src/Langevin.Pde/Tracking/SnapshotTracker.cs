using Langevin.Pde.Grids;
using Langevin.Tracking;

namespace Langevin.Pde.Tracking;

/// <summary>Keeps a copy of the field every <see cref="Tracker{TState}.Interval"/> units of time (py-pde's memory storage).</summary>
public sealed class SnapshotTracker : Tracker<GridField>
{
    private readonly List<(double Time, double[] Field)> snapshots = [];

    /// <summary>Copies the field at t₀, t₀ + interval, ….</summary>
    public SnapshotTracker(double interval) : base(interval)
    {
    }

    /// <summary>The kept (time, field) pairs in time order.</summary>
    public IReadOnlyList<(double Time, double[] Field)> Snapshots => snapshots;

    /// <inheritdoc />
    public override void Initialise(GridField state, double t) => snapshots.Clear();

    /// <inheritdoc />
    public override TrackerAction Handle(GridField state, double t)
    {
        snapshots.Add((t, (double[])state.Values.Clone()));
        return TrackerAction.Continue;
    }
}
