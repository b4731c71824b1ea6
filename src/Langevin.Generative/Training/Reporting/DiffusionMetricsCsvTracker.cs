using Langevin.IO;
using Langevin.Runs;
using Langevin.Tracking;

namespace Langevin.Generative.Training.Reporting;

/// <summary>
/// Keeps the run folder's <c>metrics.csv</c> equal to the epochs the run holds: rewritten atomically after every epoch
/// and once at the start of each phase, so that rows of epochs a kill left unsaved are dropped and rows a kill cut
/// short are written again.
/// </summary>
public sealed class DiffusionMetricsCsvTracker(RunFolder run) : Tracker<DiffusionProgress>(1)
{
    private readonly RunFolder run = run ?? throw new ArgumentNullException(nameof(run));

    /// <inheritdoc />
    public override void Initialise(DiffusionProgress state, double t) => Write(state);

    /// <inheritdoc />
    public override TrackerAction Handle(DiffusionProgress state, double t)
    {
        if (state.Completed is not null) Write(state);
        return TrackerAction.Continue;
    }

    private void Write(DiffusionProgress state) => AtomicFile.WriteAllText(run.Metrics, DiffusionEpochMetrics.ToCsvFile(state.Rows));
}
