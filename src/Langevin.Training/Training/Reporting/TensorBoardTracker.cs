using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Training.Reporting;

/// <summary>
/// Appends every epoch's scalars to TensorBoard event files in a folder.
/// </summary>
public sealed class TensorBoardTracker(string folder) : EventFileTracker<TrainingProgress>(folder, 1)
{
    /// <inheritdoc />
    public override TrackerAction Handle(TrainingProgress state, double t)
    {
        if (state.Completed is not { } m) return TrackerAction.Continue;
        int step = m.Epoch;
        Events.add_scalar("loss/train", (float)m.TrainLoss, step);
        Events.add_scalar("loss/validation_nll", (float)m.Validation.Nll, step);
        Events.add_scalar("loss/test_nll", (float)m.Test.Nll, step);
        Events.add_scalar("accuracy/train_subset", (float)m.Train.Accuracy, step);
        Events.add_scalar("accuracy/validation", (float)m.Validation.Accuracy, step);
        Events.add_scalar("accuracy/test", (float)m.Test.Accuracy, step);
        Events.add_scalar("ece/validation", (float)m.Validation.Ece, step);
        Events.add_scalar("ece/test", (float)m.Test.Ece, step);
        Events.add_scalar("schedule/lr", (float)m.LearningRate, step);
        Events.add_scalar("schedule/diffusion", (float)m.Diffusion, step);
        return TrackerAction.Continue;
    }
}
