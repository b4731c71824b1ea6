using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Generative.Gan;

/// <summary>
/// Writes a GAN run's epochs as TensorBoard event files in a folder (TorchSharp's SummaryWriter): both players' losses,
/// FID against the judge, class-coverage entropy and the rarest class's share. A resumed run starts a new event file;
/// TensorBoard merges the files of a folder.
/// </summary>
public sealed class GanTensorBoardTracker(string folder) : Tracker<GanEpoch>(1)
{
    private readonly string folder = folder ?? throw new ArgumentNullException(nameof(folder));
    private SummaryWriter? events;

    /// <inheritdoc />
    public override TrackerAction Handle(GanEpoch state, double t)
    {
        events ??= torch.utils.tensorboard.SummaryWriter(folder);
        events.add_scalar("loss/discriminator", (float)state.DiscriminatorLoss, state.Epoch);
        events.add_scalar("loss/generator", (float)state.GeneratorLoss, state.Epoch);
        events.add_scalar("quality/fid", (float)state.Fid, state.Epoch);
        events.add_scalar("coverage/entropy", (float)state.CoverageEntropy, state.Epoch);
        events.add_scalar("coverage/rarest_class", (float)state.RarestClass, state.Epoch);
        return TrackerAction.Continue;
    }
}
