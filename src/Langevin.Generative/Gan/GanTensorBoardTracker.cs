using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Generative.Gan;

/// <summary>
/// Writes a GAN run's epochs as TensorBoard event files in a folder: both players' losses, FID against the judge,
/// class-coverage entropy and the rarest class's share.
/// </summary>
public sealed class GanTensorBoardTracker(string folder) : EventFileTracker<GanEpoch>(folder, 1)
{
    /// <inheritdoc />
    public override TrackerAction Handle(GanEpoch state, double t)
    {
        Events.add_scalar("loss/discriminator", (float)state.DiscriminatorLoss, state.Epoch);
        Events.add_scalar("loss/generator", (float)state.GeneratorLoss, state.Epoch);
        Events.add_scalar("quality/fid", (float)state.Fid, state.Epoch);
        Events.add_scalar("coverage/entropy", (float)state.CoverageEntropy, state.Epoch);
        Events.add_scalar("coverage/rarest_class", (float)state.RarestClass, state.Epoch);
        return TrackerAction.Continue;
    }
}
