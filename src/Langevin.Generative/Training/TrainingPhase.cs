using System.Globalization;
using Langevin.Runs;
using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;

namespace Langevin.Generative.Training;

/// <summary>
/// One phase of a diffusion run. What a mini-batch step does is the phase's own; the epoch loop around it is shared:
/// the state every tracker sees, the epoch's row, skipped steps and the divergence policy.
/// </summary>
internal abstract class TrainingPhase
{
    private readonly DivergencePolicy _onDivergence;
    private readonly Func<string> _kept;

    /// <summary>A phase of <paramref name="epochs"/> epochs of <paramref name="batches"/> mini-batches.</summary>
    /// <param name="phase">Which phase.</param>
    /// <param name="epochs">Epochs in all.</param>
    /// <param name="batches">Mini-batches per epoch.</param>
    /// <param name="onDivergence">What a non-finite step does.</param>
    /// <param name="kept">Says what a divergence leaves behind (the last checkpoint, or none), for its message.</param>
    protected TrainingPhase(DiffusionPhase phase, int epochs, long batches, DivergencePolicy onDivergence, Func<string> kept)
    {
        Phase = phase;
        Epochs = epochs;
        Batches = batches;
        _onDivergence = onDivergence;
        _kept = kept;
    }

    /// <summary>Which phase.</summary>
    public DiffusionPhase Phase { get; }

    /// <summary>Epochs in all.</summary>
    public int Epochs { get; }

    /// <summary>Mini-batches per epoch.</summary>
    public long Batches { get; }

    /// <summary>Optimiser steps taken in the phase so far.</summary>
    public long Step { get; protected set; }

    /// <summary>
    /// Trains epochs <paramref name="first"/> … <see cref="Epochs"/> − 1 (0-based), adding a row per epoch to
    /// <paramref name="rows"/> and showing every mini-batch's state to <paramref name="trackers"/> at progress t = epochs
    /// done. A tracker that stops the run ends it at the end of the current epoch when <paramref name="stoppable"/>.
    /// </summary>
    /// <exception cref="UserErrorException">Training diverged (see <see cref="DivergencePolicy"/>).</exception>
    public void Run(int first, List<DiffusionEpochMetrics> rows, IEnumerable<Tracker<DiffusionProgress>> trackers, bool stoppable, CancellationToken cancellationToken)
    {
        var all = new TrackerCollection<DiffusionProgress>(trackers);
        var state = new DiffusionProgress(Phase, first + 1, Epochs, 0, Batches, Step, double.NaN, rows);
        double t = first;
        try
        {
            bool stop = all.Initialise(state, t) == TrackerAction.Stop && stoppable;
            if (stop || first >= Epochs) return;
            Prepare();
            for (int epoch = first; epoch < Epochs && !stop; epoch++)
            {
                double lossSum = 0;
                long skipped = 0;
                BeginEpoch(epoch);
                try
                {
                    for (long b = 0; b < Batches; b++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var (loss, taken) = TrainBatch(epoch, b);
                        if (taken) lossSum += loss;
                        else skipped++;
                        state = new DiffusionProgress(Phase, epoch + 1, Epochs, b + 1, Batches, Step, loss, rows);
                        t = epoch + (double)(b + 1) / Batches;
                        // The last batch is shown with the epoch's row, below. A stop asked for mid-epoch takes effect at
                        // its end, where the checkpoint is.
                        if (b + 1 < Batches && all.Handle(state, t) == TrackerAction.Stop && stoppable) stop = true;
                    }
                }
                finally
                {
                    EndEpoch();
                }
                if (skipped == Batches)
                    throw new UserErrorException($"every step of {DiffusionEpochMetrics.PhaseName(Phase)} epoch {epoch + 1} had a non-finite loss or gradient (diverged); {_kept()}; lower {{DiffusionTrainingOptions.LearningRate}} and start a new run");
                // The state of the last batch becomes the epoch's: with its row added, Completed is set.
                rows.Add(Row(epoch + 1, lossSum / Math.Max(1, Batches - skipped), skipped));
                if (all.Handle(state, epoch + 1) == TrackerAction.Stop && stoppable) stop = true;
            }
        }
        finally
        {
            all.Finalise(state, t);
        }
    }

    /// <summary>Work done once before the first epoch that trains (not when nothing is left to train).</summary>
    protected virtual void Prepare()
    {
    }

    /// <summary>Sets up epoch <paramref name="epoch"/> (0-based): its order of images and its random streams.</summary>
    protected abstract void BeginEpoch(int epoch);

    /// <summary>Releases what <see cref="BeginEpoch"/> set up.</summary>
    protected abstract void EndEpoch();

    /// <summary>Trains mini-batch <paramref name="batch"/> of <paramref name="epoch"/>; returns its loss and whether its step was taken.</summary>
    protected abstract (double Loss, bool Taken) TrainBatch(int epoch, long batch);

    /// <summary>The row of epoch <paramref name="epoch"/> (1-based), which has just ended.</summary>
    protected abstract DiffusionEpochMetrics Row(int epoch, double meanLoss, long skipped);

    /// <summary>
    /// Clips the gradient norm and steps, unless the loss or a gradient is not finite: then the step is skipped
    /// (<see cref="DivergencePolicy.SkipStep"/>, the default: libtorch 2.10 on a 2-core box occasionally returned NaN
    /// gradients from multi-threaded conv backward passes, not reproducible with 1 thread, and one bad batch must not
    /// poison the weights) or the run stops (<see cref="DivergencePolicy.Stop"/>).
    /// </summary>
    protected bool StepIfFinite(OptimizerHelper optimizer, IEnumerable<Parameter> parameters, double maxNorm, double loss, int epoch, long batch)
    {
        double norm = torch.nn.utils.clip_grad_norm_(parameters, maxNorm);
        if (!double.IsFinite(loss) || !double.IsFinite(norm))
        {
            if (_onDivergence == DivergencePolicy.Stop)
                throw new UserErrorException(string.Create(CultureInfo.InvariantCulture,
                    $"{DiffusionEpochMetrics.PhaseName(Phase)} training diverged at epoch {epoch + 1}, mini-batch {batch + 1}: the loss or gradient became {(double.IsFinite(loss) ? norm : loss):G4}; {_kept()}; lower {{DiffusionTrainingOptions.LearningRate}} and start a new run"));
            optimizer.zero_grad();
            return false;
        }
        optimizer.step();
        return true;
    }
}
