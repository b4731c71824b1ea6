using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Torch;

/// <summary>
/// A tracker that writes TensorBoard event files into a folder (TorchSharp's SummaryWriter), created when the first
/// scalar is written. A resumed run starts a new event file; TensorBoard merges the files of a folder. Subclasses say
/// which scalars a state gives.
/// </summary>
/// <typeparam name="TState">What the computation shows.</typeparam>
public abstract class EventFileTracker<TState> : Tracker<TState>
{
    private SummaryWriter? _events;

    /// <summary>Creates the tracker writing into <paramref name="folder"/>, handled every <paramref name="interval"/> units of progress.</summary>
    protected EventFileTracker(string folder, double interval) : base(interval) =>
        Folder = folder ?? throw new ArgumentNullException(nameof(folder));

    /// <summary>The event folder.</summary>
    public string Folder { get; }

    /// <summary>The writer, opened on first use.</summary>
    protected SummaryWriter Events => _events ??= torch.utils.tensorboard.SummaryWriter(Folder);
}
