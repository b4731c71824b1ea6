using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Training.Reporting;

/// <summary>
/// Appends every epoch's scalars to TensorBoard event files in a folder (TorchSharp's SummaryWriter). A resumed run
/// starts a new event file; TensorBoard merges the files of a folder.
/// </summary>
public sealed class TensorBoardTracker(string folder) : Tracker<TrainingProgress>(1)
{
    private readonly string folder = folder ?? throw new ArgumentNullException(nameof(folder));
    private SummaryWriter? events;

    /// <inheritdoc />
    public override TrackerAction Handle(TrainingProgress state, double t)
    {
        if (state.Completed is not { } m) return TrackerAction.Continue;
        events ??= torch.utils.tensorboard.SummaryWriter(folder);
        int step = m.Epoch;
        events.add_scalar("loss/train", (float)m.TrainLoss, step);
        events.add_scalar("loss/validation_nll", (float)m.Validation.Nll, step);
        events.add_scalar("loss/test_nll", (float)m.Test.Nll, step);
        events.add_scalar("accuracy/train_subset", (float)m.Train.Accuracy, step);
        events.add_scalar("accuracy/validation", (float)m.Validation.Accuracy, step);
        events.add_scalar("accuracy/test", (float)m.Test.Accuracy, step);
        events.add_scalar("ece/validation", (float)m.Validation.Ece, step);
        events.add_scalar("ece/test", (float)m.Test.Ece, step);
        events.add_scalar("schedule/lr", (float)m.LearningRate, step);
        events.add_scalar("schedule/diffusion", (float)m.Diffusion, step);
        return TrackerAction.Continue;
    }
}
