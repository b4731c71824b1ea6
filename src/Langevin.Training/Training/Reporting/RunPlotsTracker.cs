using Langevin.Runs;
using Langevin.Tracking;

namespace Langevin.Training.Reporting;

/// <summary>Redraws the run's PNG plots (<see cref="RunPlots"/>) after every epoch, and at the start of a resumed run.</summary>
public sealed class RunPlotsTracker(RunFolder run) : Tracker<TrainingProgress>(1)
{
    private readonly RunFolder run = run ?? throw new ArgumentNullException(nameof(run));

    /// <inheritdoc />
    public override void Initialise(TrainingProgress state, double t) => RunPlots.Write(run, state.Epochs);

    /// <inheritdoc />
    public override TrackerAction Handle(TrainingProgress state, double t)
    {
        if (state.Completed is not null) RunPlots.Write(run, state.Epochs);
        return TrackerAction.Continue;
    }
}
