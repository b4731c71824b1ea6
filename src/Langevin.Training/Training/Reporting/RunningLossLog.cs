using System.Globalization;
using Langevin.Tracking;

namespace Langevin.Training.Reporting;

/// <summary>
/// The classic PyTorch tutorial's log line, "[epoch, batch] loss: mean of the last <c>every</c> mini-batch losses", written
/// every <c>every</c> batches of an epoch (batches skipped by the divergence policy left out of the mean; NaN when all were).
/// </summary>
public sealed class RunningLossLog : Tracker<TrainingProgress>
{
    private readonly int every;
    private readonly Action<string> write;
    private double sum;
    private int taken;
    private long lastStep;

    /// <summary>Logs through <paramref name="write"/> every <paramref name="every"/> of the <paramref name="batchesPerEpoch"/> batches.</summary>
    public RunningLossLog(int every, long batchesPerEpoch, Action<string> write) : base(1.0 / Math.Max(1, batchesPerEpoch))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchesPerEpoch, 1);
        this.every = every;
        this.write = write ?? throw new ArgumentNullException(nameof(write));
    }

    /// <inheritdoc />
    public override void Initialise(TrainingProgress state, double t) => lastStep = state.Step;

    /// <inheritdoc />
    public override TrackerAction Handle(TrainingProgress state, double t)
    {
        if (state.Batch == 0) return TrackerAction.Continue;
        // A batch skipped by the divergence policy took no step: its (non-finite) loss is not in the mean.
        if (state.Step != lastStep)
        {
            sum += state.Loss;
            taken++;
        }
        lastStep = state.Step;
        if (state.Batch % every == 0)
        {
            write(string.Create(CultureInfo.InvariantCulture, $"[{state.Epoch}, {state.Batch,5}] loss: {sum / taken:F3}"));
            (sum, taken) = (0, 0);
        }
        // A new epoch starts its own running mean, as the tutorial's loop does.
        if (state.Batch == state.BatchesPerEpoch) (sum, taken) = (0, 0);
        return TrackerAction.Continue;
    }
}
