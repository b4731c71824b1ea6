using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Reinforcement;

/// <summary>
/// Writes a reinforcement-learning run's episodes as TensorBoard event files in a folder: each episode's return, the mean
/// of the last 100, and the environment steps so far.
/// </summary>
public sealed class RlTensorBoardTracker(string folder) : EventFileTracker<RlProgress>(folder, 1)
{
    /// <inheritdoc />
    public override TrackerAction Handle(RlProgress state, double t)
    {
        // The state handed over before the first episode has no return yet.
        if (double.IsNaN(state.Return)) return TrackerAction.Continue;
        Events.add_scalar("episode/return", (float)state.Return, state.Episode);
        Events.add_scalar("episode/mean_return_100", (float)state.MeanReturn, state.Episode);
        Events.add_scalar("episode/environment_steps", state.Steps, state.Episode);
        return TrackerAction.Continue;
    }
}
