namespace Langevin.Generative.Pipeline;

/// <summary>Which reverse-process sampler to use.</summary>
public enum SamplerKind
{
    /// <summary>DDIM (deterministic at η = 0).</summary>
    Ddim,

    /// <summary>Ancestral DDPM.</summary>
    Ddpm,
}

/// <summary>Settings of one text-to-image call.</summary>
public sealed record GenerationOptions
{
    /// <summary>Number of inference steps (≤ the model's training steps).</summary>
    public int Steps { get; init; } = 50;

    /// <summary>Classifier-free guidance scale g: ε = ε_u + g·(ε_c − ε_u); 0 = unconditional, 1 = plain conditional.</summary>
    public double Guidance { get; init; } = 3.0;

    /// <summary>DDIM or DDPM.</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Ddim;

    /// <summary>DDIM's η (ignored by DDPM).</summary>
    public double Eta { get; init; }

    /// <summary>Seed of the initial noise (and of DDPM's per-step noise): same seed, same images.</summary>
    public long Seed { get; init; }

    /// <summary>Negative prompt: replaces the empty prompt as the unconditional branch of guidance; null = "".</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>Images per forward pass (bounds memory; results do not depend on it).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Checks the settings (steps are checked by the scheduler).</summary>
    /// <exception cref="UserErrorException">The guidance scale is negative or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="BatchSize"/> is below 1 (a programming error, not a user's).</exception>
    public void Validate()
    {
        if (!(Guidance >= 0) || double.IsInfinity(Guidance)) throw new UserErrorException($"{{GenerationOptions.Guidance}} must be a finite number ≥ 0, got {Guidance}");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least one image per forward pass");
    }
}
