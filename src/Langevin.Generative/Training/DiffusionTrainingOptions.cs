using Langevin.Runs;
using Langevin.Generative.Models;

namespace Langevin.Generative.Training;

/// <summary>Hyper-parameters of <c>langevin diffusion train</c> (both phases).</summary>
public sealed record DiffusionTrainingOptions
{
    /// <summary>Network sizes and schedule (vocabulary and latent scale are filled in by training).</summary>
    public LatentDiffusionConfig Model { get; init; } = new();

    /// <summary>Epochs of the autoencoder phase.</summary>
    public int AutoencoderEpochs { get; init; } = 1;

    /// <summary>Adam learning rate of the autoencoder.</summary>
    public double AutoencoderLearningRate { get; init; } = 3e-3;

    /// <summary>Weight of the KL term (per latent element, relative to the per-pixel reconstruction loss).</summary>
    public double KlWeight { get; init; } = 1e-3;

    /// <summary>Epochs of the diffusion phase.</summary>
    public int Epochs { get; init; } = 6;

    /// <summary>Images per optimiser step (both phases).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Peak AdamW learning rate of the UNet and text encoder.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Linear warm-up steps before the cosine decay.</summary>
    public int WarmupSteps { get; init; } = 200;

    /// <summary>Probability that a caption is replaced by "" (trains the unconditional branch for guidance).</summary>
    public double CaptionDropout { get; init; } = 0.1;

    /// <summary>EMA decay of the shipped weights.</summary>
    public double EmaDecay { get; init; } = 0.998;

    /// <summary>Seed of initialisation, shuffling, timesteps, noise and caption choice.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>
    /// What a step whose loss or gradient is not finite does: skip that step (the default) or stop the run. Either way
    /// the run stops when every step of an epoch was skipped.
    /// </summary>
    public DivergencePolicy OnDivergence { get; init; } = DivergencePolicy.SkipStep;

    /// <summary>Inference steps of the per-epoch sample grid.</summary>
    public int GridSteps { get; init; } = 25;

    /// <summary>Images per row of the per-epoch sample grid.</summary>
    public int GridColumns { get; init; } = 8;

    /// <summary>Validates the options; throws <see cref="UserErrorException"/> naming the bad one.</summary>
    public void Validate()
    {
        Model.Validate();
        if (Epochs < 1) throw new UserErrorException($"{{DiffusionTrainingOptions.Epochs}} must be ≥ 1, got {Epochs}");
        if (AutoencoderEpochs < 1) throw new UserErrorException($"{{DiffusionTrainingOptions.AutoencoderEpochs}} must be ≥ 1, got {AutoencoderEpochs}");
        if (BatchSize < 2) throw new UserErrorException($"{{DiffusionTrainingOptions.BatchSize}} must be ≥ 2, got {BatchSize}");
        if (!(LearningRate > 0)) throw new UserErrorException($"{{DiffusionTrainingOptions.LearningRate}} must be > 0, got {LearningRate}");
        if (!(CaptionDropout >= 0 && CaptionDropout < 1)) throw new UserErrorException($"{{DiffusionTrainingOptions.CaptionDropout}} must be in [0, 1), got {CaptionDropout}");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) throw new UserErrorException($"{{DiffusionTrainingOptions.EmaDecay}} must be in [0, 1), got {EmaDecay}");
    }
}
