namespace Langevin.Generative.Training;

/// <summary>Settings of <see cref="LoraTrainer"/>.</summary>
public sealed record LoraTrainingOptions
{
    /// <summary>The LoRA rank r of every adapted layer.</summary>
    public int Rank { get; init; } = 4;

    /// <summary>The LoRA alpha (the update is scaled by alpha / r); null = the rank (scale 1).</summary>
    public double? Alpha { get; init; }

    /// <summary>Passes over the images.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Optimiser steps in all, instead of <see cref="Epochs"/> (rounded up to whole epochs); null uses the epochs.</summary>
    public int? Steps { get; init; }

    /// <summary>AdamW's learning rate.</summary>
    public double LearningRate { get; init; } = 1e-4;

    /// <summary>
    /// Also put adapters on the text encoder's attention projections and train them (kohya's default, diffusers'
    /// <c>--train_text_encoder</c>); false adapts the UNet only (kohya's <c>--network_train_unet_only</c>).
    /// </summary>
    public bool TrainTextEncoder { get; init; }

    /// <summary>AdamW's learning rate of the text encoder's adapters; null = <see cref="LearningRate"/>.</summary>
    public double? TextEncoderLearningRate { get; init; }

    /// <summary>Images per step.</summary>
    public int BatchSize { get; init; } = 1;

    /// <summary>The side of the square training images in pixels; null = the model's native size.</summary>
    public int? Resolution { get; init; }

    /// <summary>Seed of everything random in training (adapter initialisation, image order, captions, noise, timesteps).</summary>
    public long Seed { get; init; }

    /// <summary>Also write the LoRA in the diffusers/PEFT layout (<c>pytorch_lora_weights.safetensors</c>).</summary>
    public bool DiffusersFormat { get; init; }

    /// <summary>The effective learning rate of the text encoder's adapters.</summary>
    public double EffectiveTextEncoderLearningRate => TextEncoderLearningRate ?? LearningRate;

    /// <summary>The effective alpha.</summary>
    public double EffectiveAlpha => Alpha ?? Rank;

    /// <summary>Checks the settings.</summary>
    /// <exception cref="UserErrorException">A setting is out of range.</exception>
    public void Validate()
    {
        if (Rank < 1 || Rank > 1024) throw new UserErrorException($"{{LoraTrainingOptions.Rank}} must be from 1 to 1024, got {Rank}");
        if (Alpha is { } a && !(a > 0 && double.IsFinite(a))) throw new UserErrorException($"{{LoraTrainingOptions.Alpha}} must be a positive number, got {a}");
        if (Epochs < 1) throw new UserErrorException($"{{LoraTrainingOptions.Epochs}} must be at least 1, got {Epochs}");
        if (Steps is < 1) throw new UserErrorException($"{{LoraTrainingOptions.Steps}} must be at least 1, got {Steps}");
        if (!(LearningRate > 0 && LearningRate < 1)) throw new UserErrorException($"{{LoraTrainingOptions.LearningRate}} must be between 0 and 1, got {LearningRate}");
        if (TextEncoderLearningRate is { } te && !(te > 0 && te < 1))
            throw new UserErrorException($"{{LoraTrainingOptions.TextEncoderLearningRate}} must be between 0 and 1, got {te}");
        if (TextEncoderLearningRate is not null && !TrainTextEncoder)
            throw new UserErrorException("{LoraTrainingOptions.TextEncoderLearningRate} applies when the text encoder is trained; add {LoraTrainingOptions.TrainTextEncoder}");
        if (BatchSize < 1) throw new UserErrorException($"{{LoraTrainingOptions.BatchSize}} must be at least 1, got {BatchSize}");
        if (Resolution is { } r && (r < 8 || r > 2048 || r % 8 != 0)) throw new UserErrorException($"{{LoraTrainingOptions.Resolution}} must be a multiple of 8 from 8 to 2048, got {r}");
    }
}
