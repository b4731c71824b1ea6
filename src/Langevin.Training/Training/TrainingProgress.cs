namespace Langevin.Training;

/// <summary>
/// What a <see cref="Trainer"/> shows its trackers: after every mini-batch, and (with <see cref="Completed"/> set) after
/// every epoch's evaluation and checkpoint. Trackers see it at progress t = epochs done, fractional within an epoch.
/// </summary>
/// <param name="Epoch">1-based epoch of the batch (trackers are initialised at batch 0 of the first epoch to run).</param>
/// <param name="Batch">Mini-batches done in the epoch (0 at the start, <paramref name="BatchesPerEpoch"/> at its end).</param>
/// <param name="BatchesPerEpoch">Mini-batches per epoch.</param>
/// <param name="Step">Optimizer steps taken in the whole run.</param>
/// <param name="Loss">The last mini-batch's loss (NaN before the first).</param>
/// <param name="Epochs">Metrics of every finished epoch so far (a view, valid during the call).</param>
public sealed record TrainingProgress(int Epoch, long Batch, long BatchesPerEpoch, long Step, double Loss, IReadOnlyList<EpochMetrics> Epochs)
{
    /// <summary>The metrics of the epoch that has just ended, or null between batches.</summary>
    public EpochMetrics? Completed => Batch == BatchesPerEpoch && Epochs.Count > 0 && Epochs[^1].Epoch == Epoch ? Epochs[^1] : null;
}
