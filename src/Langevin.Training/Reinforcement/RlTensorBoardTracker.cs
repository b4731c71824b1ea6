using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Reinforcement;

/// <summary>
/// Writes a reinforcement-learning run's episodes as TensorBoard event files in a folder (TorchSharp's SummaryWriter):
/// each episode's return, the mean of the last 100, and the environment steps so far. A resumed run starts a new event
/// file; TensorBoard merges the files of a folder.
/// </summary>
public sealed class RlTensorBoardTracker(string folder) : Tracker<RlProgress>(1)
{
    private readonly string folder = folder ?? throw new ArgumentNullException(nameof(folder));
    private SummaryWriter? events;

    /// <inheritdoc />
    public override TrackerAction Handle(RlProgress state, double t)
    {
        // The state handed over before the first episode has no return yet.
        if (double.IsNaN(state.Return)) return TrackerAction.Continue;
        events ??= torch.utils.tensorboard.SummaryWriter(folder);
        events.add_scalar("episode/return", (float)state.Return, state.Episode);
        events.add_scalar("episode/mean_return_100", (float)state.MeanReturn, state.Episode);
        events.add_scalar("episode/environment_steps", state.Steps, state.Episode);
        return TrackerAction.Continue;
    }
}
