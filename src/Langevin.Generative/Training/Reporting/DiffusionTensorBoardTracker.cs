using Langevin.Torch;
using Langevin.Tracking;

namespace Langevin.Generative.Training.Reporting;

/// <summary>
/// Writes a diffusion run's curves as TensorBoard event files in a folder: each phase's loss every
/// <paramref name="stepInterval"/> optimiser steps, and its epoch loss and learning rate.
/// </summary>
/// <param name="folder">The event folder.</param>
/// <param name="batchesPerEpoch">Mini-batches per epoch (the tracker looks at every one).</param>
/// <param name="stepInterval">Optimiser steps between two loss points.</param>
public sealed class DiffusionTensorBoardTracker(string folder, long batchesPerEpoch, int stepInterval)
    : EventFileTracker<DiffusionProgress>(folder, 1.0 / Math.Max(1, batchesPerEpoch))
{
    private long lastStep;

    /// <inheritdoc />
    public override void Initialise(DiffusionProgress state, double t) => lastStep = state.Step;

    /// <inheritdoc />
    public override TrackerAction Handle(DiffusionProgress state, double t)
    {
        string phase = DiffusionEpochMetrics.PhaseName(state.Phase);
        // Only a batch whose step was taken moves the step count: a skipped one (a non-finite loss) is not a point.
        if (state.Step != lastStep && state.Step % stepInterval == 0)
            Events.add_scalar($"{phase}/step_loss", (float)state.Loss, (int)state.Step);
        lastStep = state.Step;
        if (state.Completed is { } row)
        {
            Events.add_scalar($"{phase}/epoch_loss", (float)row.Loss, row.Epoch);
            Events.add_scalar($"{phase}/learning_rate", (float)row.LearningRate, row.Epoch);
        }
        return TrackerAction.Continue;
    }
}
