using System.Text.Json.Serialization;
using System.Text.Json;
using Langevin.Runs;
using Langevin.Data;
using Langevin.Schedules;
using Langevin.Training.Models;

namespace Langevin.Training;

/// <summary>
/// Everything that defines a training run; saved as <c>config.json</c> in the run directory, so that
/// <c>--resume</c> continues with exactly the same settings.
/// </summary>
/// <remarks>
/// Units: <see cref="LearningRate"/> is the step size on the mean minibatch cross-entropy; <see cref="Diffusion"/> is
/// D, noise variance per step 2·lr·D (for seed-literal: noise std D). With N training examples D = T/N
/// (D = 1/N is the Bayesian posterior); <see cref="WeightDecay"/> λ is a Gaussian prior.
/// </remarks>
public sealed record TrainingConfig
{
    /// <summary>Dataset.</summary>
    public DatasetKind Dataset { get; init; } = DatasetKind.FashionMnist;

    /// <summary>Model.</summary>
    public ModelKind Model { get; init; } = ModelKind.Cnn;

    /// <summary>Optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Sgd;

    /// <summary>Step size lr (&gt; 0).</summary>
    public double LearningRate { get; init; } = 0.01;

    /// <summary>Momentum μ ∈ [0, 1) (sgd and sghmc only).</summary>
    public double Momentum { get; init; }

    /// <summary>Base diffusion coefficient D ≥ 0.</summary>
    public double Diffusion { get; init; }

    /// <summary>Schedule of D (and, when cyclical, of lr); see <see cref="DiffusionSchedules.Syntax"/>.</summary>
    public string DiffusionSchedule { get; init; } = "constant";

    /// <summary>L2 weight decay λ ≥ 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>Number of passes over the training split.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Mini-batch size.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Seed of the model initialisation, the shuffling and the noise.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Images held out from the end of the training set for validation (model selection).</summary>
    public int ValidationCount { get; init; } = 5000;

    /// <summary>Print the running loss every this many mini-batches (the PyTorch tutorial uses 2000 at batch size 4).</summary>
    public int LogEvery { get; init; } = 200;

    /// <summary>Posterior sampling: epochs of burn-in before samples are kept.</summary>
    public double BurnInEpochs { get; init; }

    /// <summary>Posterior sampling: keep a sample every this many steps after burn-in (0: at the end of each epoch).</summary>
    public int ThinSteps { get; init; }

    /// <summary>Posterior sampling: number K of most recent samples kept for the ensemble (0 disables it).</summary>
    public int Samples { get; init; }

    /// <summary>
    /// Torch intra-op threads the run uses (0: one per core). Not applied by the <see cref="Trainer"/> (threads are
    /// process-wide; the caller sets them) but recorded, because float reductions depend on the thread count:
    /// a run is bit-for-bit reproducible, and a resumed run identical to an uninterrupted one, only at the same count.
    /// </summary>
    public int Threads { get; init; }

    /// <summary>Use at most this many training images (0: all); for quick runs and tests.</summary>
    public int TrainLimit { get; init; }

    /// <summary>
    /// Divergence policy: a mini-batch loss above this many times ln(classes), the loss of a uniform guess that training
    /// starts near, stops the run as diverged (keeping the last good checkpoint), as a NaN or infinite loss always does.
    /// 0 counts only NaN and ∞. A run whose early steps overshoot can reach thousands and recover; the default, 10⁶, means logits of order 10⁶.
    /// </summary>
    public double DivergenceFactor { get; init; } = 1e6;

    /// <summary>
    /// What a diverged mini-batch (non-finite loss, or above <see cref="DivergenceFactor"/>) does: stop the run (the
    /// default) or skip that step. Non-finite weights always stop it.
    /// </summary>
    public DivergencePolicy OnDivergence { get; init; } = DivergencePolicy.Stop;

    /// <summary>
    /// Images a run trains on out of a training set of <paramref name="trainingSetCount"/>: what the validation split
    /// leaves, at most <see cref="TrainLimit"/> (the <see cref="Trainer"/>'s split).
    /// </summary>
    public long TrainCount(long trainingSetCount)
    {
        long available = trainingSetCount - ValidationCount;
        return TrainLimit > 0 ? Math.Min(TrainLimit, available) : available;
    }

    /// <summary>Mini-batches per epoch on a training set of <paramref name="trainingSetCount"/> (the last one may be smaller).</summary>
    public long BatchesPerEpoch(long trainingSetCount) => (TrainCount(trainingSetCount) + BatchSize - 1) / BatchSize;

    /// <summary>Steps before the first posterior sample: <see cref="BurnInEpochs"/> in mini-batches (the <see cref="Trainer"/>'s rule).</summary>
    public long BurnInSteps(long trainingSetCount) => (long)Math.Round(BurnInEpochs * BatchesPerEpoch(trainingSetCount));

    /// <summary>Steps between posterior samples: <see cref="ThinSteps"/>, or one epoch when it is 0.</summary>
    public long SampleInterval(long trainingSetCount) => ThinSteps > 0 ? ThinSteps : BatchesPerEpoch(trainingSetCount);

    /// <summary>
    /// The posterior samples a run of these settings keeps (at most <see cref="Samples"/>): every
    /// <see cref="SampleInterval"/>-th step after burn-in at which the diffusion schedule has its noise on, as the
    /// <see cref="Trainer"/> takes them, provided no step is skipped as diverged. Lets a caller refuse settings that would
    /// keep too few before training.
    /// </summary>
    public int PosteriorSamples(long trainingSetCount)
    {
        if (Samples <= 0) return 0;
        long batches = BatchesPerEpoch(trainingSetCount), burnIn = BurnInSteps(trainingSetCount), thin = SampleInterval(trainingSetCount);
        int kept = 0;
        for (long step = burnIn + thin; step <= Epochs * batches && kept < Samples; step += thin)
        {
            // Step s (1-based) is mini-batch s − 1, taken at progress t = epoch + b / batches.
            long index = step - 1;
            if (Schedule.DiffusionFactor(index / batches + (double)(index % batches) / batches) > 0) kept++;
        }
        return kept;
    }

    /// <summary>Checks the values; throws <see cref="UserErrorException"/> naming the bad option.</summary>
    public void Validate()
    {
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new UserErrorException($"{{TrainingConfig.LearningRate}} must be a finite number > 0, got {LearningRate}");
        // The parameters are float32: a larger factor cannot even be applied to them.
        if (LearningRate > float.MaxValue || Diffusion > float.MaxValue || WeightDecay > float.MaxValue)
            throw new UserErrorException($"{{TrainingConfig.LearningRate}}, {{TrainingConfig.Diffusion}} and {{TrainingConfig.WeightDecay}} must be at most {float.MaxValue:G3} (float32 weights), got {LearningRate:G3}, {Diffusion:G3}, {WeightDecay:G3}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new UserErrorException($"{{TrainingConfig.Momentum}} must be in [0, 1), got {Momentum}");
        if (!(Diffusion >= 0) || double.IsInfinity(Diffusion)) throw new UserErrorException($"{{TrainingConfig.Diffusion}} must be a finite number ≥ 0, got {Diffusion}");
        if (!(WeightDecay >= 0) || double.IsInfinity(WeightDecay)) throw new UserErrorException($"{{TrainingConfig.WeightDecay}} must be a finite number ≥ 0, got {WeightDecay}");
        if (Epochs < 1) throw new UserErrorException($"{{TrainingConfig.Epochs}} must be ≥ 1, got {Epochs}");
        if (BatchSize < 1) throw new UserErrorException($"{{TrainingConfig.BatchSize}} must be ≥ 1, got {BatchSize}");
        if (ValidationCount < 0) throw new UserErrorException($"{{TrainingConfig.ValidationCount}} must be ≥ 0, got {ValidationCount}");
        if (LogEvery < 1) throw new UserErrorException($"the logging interval must be ≥ 1 mini-batch, got {LogEvery}");
        if (!(BurnInEpochs >= 0)) throw new UserErrorException($"{{TrainingConfig.BurnInEpochs}} must be ≥ 0 epochs, got {BurnInEpochs}");
        if (ThinSteps < 0) throw new UserErrorException($"{{TrainingConfig.ThinSteps}} must be ≥ 0 steps, got {ThinSteps}");
        if (Samples < 0) throw new UserErrorException($"{{TrainingConfig.Samples}} must be ≥ 0, got {Samples}");
        if (Threads < 0) throw new UserErrorException($"{{TrainingConfig.Threads}} must be 0 (one per core) or a positive count, got {Threads}");
        if (Threads > Environment.ProcessorCount)
            throw new UserErrorException($"{{TrainingConfig.Threads}} {Threads} is more than the {Environment.ProcessorCount} cores of this machine; give at most {Environment.ProcessorCount} (or 0 for one per core)");
        if (!(DivergenceFactor >= 0) || double.IsInfinity(DivergenceFactor))
            throw new UserErrorException($"{{TrainingConfig.DivergenceFactor}} must be a finite number ≥ 0 (0: only NaN and ∞ count as divergence), got {DivergenceFactor}");
        if (TrainLimit < 0) throw new UserErrorException($"{{TrainingConfig.TrainLimit}} must be ≥ 0, got {TrainLimit}");
        _ = Schedule;
    }

    /// <summary>The parsed <see cref="DiffusionSchedule"/>.</summary>
    [JsonIgnore]
    public DiffusionSchedule Schedule => DiffusionSchedules.Parse(DiffusionSchedule);

    /// <summary>JSON options of <c>config.json</c>: indented, enums as strings.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    /// <summary>Serialises to JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads <c>config.json</c>.</summary>
    public static TrainingConfig FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingConfig>(json, JsonOptions)
                ?? throw new UserErrorException($"{source} is empty; it is not a run's config.json");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{source} is not a valid config.json ({e.Message}); start a new run instead of {{Trainer.resume}}", e);
        }
    }
}
