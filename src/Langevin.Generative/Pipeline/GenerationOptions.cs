using Langevin.Generative.Schedulers;

namespace Langevin.Generative.Pipeline;

/// <summary>Which reverse-process sampler to use: the samplers of <see cref="Samplers"/>, over the model's own noise schedule.</summary>
public enum SamplerKind
{
    /// <summary>DDIM (deterministic at η = 0).</summary>
    Ddim,

    /// <summary>Ancestral DDPM.</summary>
    Ddpm,

    /// <summary>PNDM without the Runge–Kutta warm-up (the web UIs' "PLMS").</summary>
    Pndm,

    /// <summary>Linear multistep (order 4) in σ.</summary>
    Lms,

    /// <summary>Euler in σ (Karras et al. 2022).</summary>
    Euler,

    /// <summary>Euler ancestral ("Euler a"): stochastic.</summary>
    EulerAncestral,

    /// <summary>Heun in σ: two model evaluations per step.</summary>
    Heun,

    /// <summary>DPM-Solver++ multistep, second order ("DPM++ 2M").</summary>
    DpmPlusPlus2M,

    /// <summary>DPM++ 2M on Karras et al.'s noise levels.</summary>
    DpmPlusPlus2MKarras,

    /// <summary>Latent consistency sampling (meant for consistency-distilled models; shown for completeness).</summary>
    Lcm,
}

/// <summary>Names of each <see cref="SamplerKind"/>: the command-line names of <see cref="Samplers"/>.</summary>
public static class SamplerKinds
{
    private static readonly (SamplerKind Kind, string Name)[] Table =
    [
        (SamplerKind.Ddim, "ddim"), (SamplerKind.Ddpm, "ddpm"), (SamplerKind.Pndm, "pndm"), (SamplerKind.Lms, "lms"),
        (SamplerKind.Euler, "euler"), (SamplerKind.EulerAncestral, "euler-a"), (SamplerKind.Heun, "heun"),
        (SamplerKind.DpmPlusPlus2M, "dpmpp-2m"), (SamplerKind.DpmPlusPlus2MKarras, "dpmpp-2m-karras"), (SamplerKind.Lcm, "lcm"),
    ];

    /// <summary>Every sampler, in the order <see cref="Samplers.Names"/> lists them.</summary>
    public static IReadOnlyList<SamplerKind> All { get; } = Table.Select(e => e.Kind).ToArray();

    /// <summary>Parses any name <see cref="Samplers"/> accepts (ddim, dpmpp-2m, "Euler a", "DPM++ 2M Karras", a diffusers class name; any case).</summary>
    /// <exception cref="UserErrorException">The name is not a sampler's.</exception>
    public static SamplerKind Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string canonical = Samplers.TryCanonical(name.Trim())
            ?? throw new UserErrorException($"unknown {{GenerationOptions.Sampler}} '{name}'; use one of {string.Join(", ", Samplers.Names)}");
        return Table.First(e => e.Name == canonical).Kind;
    }

    /// <summary>The sampler's name on the command line and in messages (as <see cref="Samplers.Names"/>).</summary>
    public static string CommandLineName(this SamplerKind kind) =>
        Table.FirstOrDefault(e => e.Kind == kind).Name ?? throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a sampler");
}

/// <summary>Settings of one text-to-image call.</summary>
public sealed record GenerationOptions
{
    /// <summary>Number of inference steps (≤ the model's training steps). The default, 8 steps of DPM++ 2M Karras, gave the
    /// own model its lowest FID of 6–15 steps at the same prompt adherence (the 10-epoch model the defaults were chosen
    /// on; docs/results-generation.md).</summary>
    public int Steps { get; init; } = 8;

    /// <summary>Classifier-free guidance scale g: ε = ε_u + g·(ε_c − ε_u); 0 = unconditional, 1 = plain conditional.</summary>
    public double Guidance { get; init; } = 2.5;

    /// <summary>The sampler (any of <see cref="SamplerKind"/>; DDIM and DDPM use the model's schedule as it is, the others
    /// the same ᾱ through <see cref="TextToImage.SchedulerConfigFor"/>).</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.DpmPlusPlus2MKarras;

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
        // Past a few tens the guided prediction leaves the range the model was trained on: the image is saturated noise.
        if (Guidance > MaxGuidance) throw new UserErrorException($"{{GenerationOptions.Guidance}} {Guidance:G3} is over {MaxGuidance} (images would be saturated noise; 1–15 is the useful range)");
        if (Sampler != SamplerKind.Ddim && Eta != 0)
            throw new UserErrorException($"{{GenerationOptions.Eta}} applies to the DDIM sampler only ({Sampler.CommandLineName()} has none); drop it or use {{GenerationOptions.Sampler}} ddim");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "at least one image per forward pass");
    }

    /// <summary>Largest guidance scale accepted.</summary>
    public const double MaxGuidance = 100;

    /// <summary>Largest number of image-steps (images × sampling steps) one request may plan: minutes of work on a CPU.</summary>
    public const double MaxImageSteps = 1e6;

    /// <summary>Refuses a request for <paramref name="count"/> images that would not finish.</summary>
    /// <exception cref="UserErrorException">When count × steps exceeds <see cref="MaxImageSteps"/>.</exception>
    public void CheckWork(int count)
    {
        double imageSteps = (double)count * Steps;
        if (imageSteps > MaxImageSteps)
            throw new UserErrorException($"{count} images × {Steps} steps are {imageSteps:G3} image-steps, over the limit of {MaxImageSteps:G1} (it would not finish); lower {{TextToImage.count}} or {{GenerationOptions.Steps}}");
    }
}
