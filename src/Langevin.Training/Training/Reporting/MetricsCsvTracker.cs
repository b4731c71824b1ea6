using Langevin.IO;
using Langevin.Runs;
using Langevin.Tracking;

namespace Langevin.Training.Reporting;

/// <summary>
/// Keeps the run folder's <c>metrics.csv</c> equal to the epochs done: rewritten atomically after every epoch and once
/// at the start, so that a run resumed after a kill during that write finishes the file before it trains on.
/// </summary>
public sealed class MetricsCsvTracker(RunFolder run) : Tracker<TrainingProgress>(1)
{
    private readonly RunFolder run = run ?? throw new ArgumentNullException(nameof(run));

    /// <inheritdoc />
    public override void Initialise(TrainingProgress state, double t)
    {
        if (state.Epochs.Count > 0) Write(state);
    }

    /// <inheritdoc />
    public override TrackerAction Handle(TrainingProgress state, double t)
    {
        if (state.Completed is not null) Write(state);
        return TrackerAction.Continue;
    }

    private void Write(TrainingProgress state) => AtomicFile.WriteAllText(run.Metrics, EpochMetrics.ToCsvFile(state.Epochs));
}
