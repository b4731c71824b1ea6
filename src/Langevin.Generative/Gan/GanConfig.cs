using System.Text.Json;
using System.Text.Json.Serialization;

namespace Langevin.Generative.Gan;

/// <summary>How both players of a GAN are updated.</summary>
public enum GanOptimizer
{
    /// <summary>Adam with β₁ = 0.5, β₂ = 0.999: the DCGAN baseline.</summary>
    Adam,

    /// <summary>Preconditioned SGLD (RMSprop preconditioner) on both players: Langevin noise of diffusion D.</summary>
    Psgld,

    /// <summary>
    /// SGHMC on both players' weights, as the Bayesian GAN (Saatci and Wilson 2017) samples them; with
    /// <see cref="GanConfig.GeneratorSamples"/> above 1, several generator samples against one discriminator sample.
    /// </summary>
    Sghmc,
}

/// <summary>Settings of a GAN run (<see cref="GanTrainer"/>).</summary>
public sealed record GanConfig
{
    /// <summary>The update of both players.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter))]
    public GanOptimizer Optimizer { get; init; } = GanOptimizer.Adam;

    /// <summary>Epochs over the training images.</summary>
    public int Epochs { get; init; } = 5;

    /// <summary>Images per step, real and generated alike.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Step size of both players.</summary>
    public double LearningRate { get; init; } = 2e-4;

    /// <summary>Diffusion coefficient D of the Langevin updates (psgld, sghmc); 1/N for N = 60,000 by default.</summary>
    public double Diffusion { get; init; } = 1.0 / 60_000;

    /// <summary>Momentum of SGHMC.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// Generator samples run side by side (the Bayesian GAN's J_g; 1: one generator). Each is its own chain of the
    /// Langevin optimizer and is trained against the discriminator; the discriminator sees the fakes of all of them
    /// (their losses averaged, so real and generated images keep equal weight), and generated images are drawn from all
    /// of them in turn: the posterior predictive's equal-weight mixture. Needs a Langevin optimizer.
    /// </summary>
    public int GeneratorSamples { get; init; } = 1;

    /// <summary>Length of the generator's latent vector.</summary>
    public int LatentSize { get; init; } = 64;

    /// <summary>Seed of weights, batches, latent draws and noise.</summary>
    public long Seed { get; init; } = 1;

    /// <summary>Generated images scored after every epoch (FID against as many test images, class coverage).</summary>
    public int EvaluationImages { get; init; } = 2_000;

    /// <summary>Use only the first N training images (0: all).</summary>
    public int TrainLimit { get; init; }

    /// <summary>Torch intra-op threads (0: libtorch's default).</summary>
    public int Threads { get; init; }

    /// <summary>Checks every setting; a bad one is one line naming it.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new UserErrorException($"{{GanConfig.Epochs}} must be ≥ 1, got {Epochs}");
        if (BatchSize < 2) throw new UserErrorException($"{{GanConfig.BatchSize}} must be ≥ 2 (batch norm), got {BatchSize}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new UserErrorException($"{{GanConfig.LearningRate}} must be a finite number > 0, got {LearningRate}");
        if (!(Diffusion >= 0) || double.IsInfinity(Diffusion)) throw new UserErrorException($"{{GanConfig.Diffusion}} must be a finite number ≥ 0, got {Diffusion}");
        if (!(Momentum >= 0 && Momentum < 1)) throw new UserErrorException($"{{GanConfig.Momentum}} must be in [0, 1), got {Momentum}");
        if (GeneratorSamples < 1 || GeneratorSamples > 16)
            throw new UserErrorException($"{{GanConfig.GeneratorSamples}} must be in 1…16, got {GeneratorSamples}");
        if (GeneratorSamples > 1 && Optimizer == GanOptimizer.Adam)
            throw new UserErrorException($"{{GanConfig.GeneratorSamples}} {GeneratorSamples} samples the generator's posterior, which needs a Langevin {{GanConfig.Optimizer}} (sghmc as the Bayesian GAN, or psgld), not adam");
        if (LatentSize < 1) throw new UserErrorException($"{{GanConfig.LatentSize}} must be ≥ 1, got {LatentSize}");
        if (EvaluationImages < 20) throw new UserErrorException($"{{GanConfig.EvaluationImages}} must be ≥ 20, got {EvaluationImages}");
        if (TrainLimit < 0 || (TrainLimit > 0 && TrainLimit < BatchSize))
            throw new UserErrorException($"{{GanConfig.TrainLimit}} must be 0 (all images) or at least a batch ({BatchSize}), got {TrainLimit}");
        if (Threads < 0 || Threads > Environment.ProcessorCount)
            throw new UserErrorException($"{{GanConfig.Threads}} must be in 0…{Environment.ProcessorCount}, got {Threads}");
    }

    /// <summary>As JSON (config.json of the run folder).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    public static GanConfig FromJson(string json, string source)
    {
        try
        {
            return JsonSerializer.Deserialize<GanConfig>(json, Options) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"{source} is not a readable GAN configuration ({e.Message}); start a new run", e);
        }
    }

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };
}
