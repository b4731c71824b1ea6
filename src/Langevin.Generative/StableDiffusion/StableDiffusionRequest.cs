using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>One Stable Diffusion generation: text-to-image, image-to-image (with <see cref="InitImage"/>) or inpainting (with <see cref="Mask"/> as well).</summary>
public sealed record StableDiffusionRequest
{
    /// <summary>What to draw.</summary>
    public required string Prompt { get; init; }

    /// <summary>What to steer away from (classifier-free guidance's unconditional branch); null is the empty prompt.</summary>
    public string? NegativePrompt { get; init; }

    /// <summary>Sampler name (<c>dpmpp-2m-karras</c>, "Euler a", DDIMScheduler …); null uses the model's own scheduler config.</summary>
    public string? Sampler { get; init; }

    /// <summary>
    /// "leading", "trailing" or "linspace": overrides the scheduler config's timestep spacing (a single SD-Turbo file has
    /// no scheduler config and needs "trailing" for its 1–4 steps); null keeps the config's.
    /// </summary>
    public string? TimestepSpacing { get; init; }

    /// <summary>Inference steps.</summary>
    public int Steps { get; init; } = 20;

    /// <summary>Classifier-free guidance scale; ≤ 1 runs the conditional branch only, as diffusers does.</summary>
    public double Guidance { get; init; } = 7.5;

    /// <summary>Image width in pixels (a multiple of 8); null is the UNet's sample size × 8.</summary>
    public int? Width { get; init; }

    /// <summary>Image height in pixels (a multiple of 8); null is the UNet's sample size × 8.</summary>
    public int? Height { get; init; }

    /// <summary>Seed of the CPU generator every draw comes from, in diffusers' order.</summary>
    public long Seed { get; init; }

    /// <summary>Images to make (diffusers' num_images_per_prompt: one batch of draws).</summary>
    public int Count { get; init; } = 1;

    /// <summary>DDIM's η (0 = deterministic).</summary>
    public double Eta { get; init; }

    /// <summary>The starting image (1, 3, H, W) in [0, 1] for image-to-image and inpainting; null for text-to-image.</summary>
    public Tensor? InitImage { get; init; }

    /// <summary>How far image-to-image departs from <see cref="InitImage"/>: 0 keeps it, 1 ignores it.</summary>
    public double Strength { get; init; } = 0.8;

    /// <summary>The inpainting mask (1, 1, H, W) in [0, 1], white (≥ 0.5) = repaint; null for no inpainting.</summary>
    public Tensor? Mask { get; init; }

    /// <summary>Parse <c>(word:1.3)</c> weights in the prompts as the web UIs do (off: diffusers reads brackets as text).</summary>
    public bool PromptWeighting { get; init; }
}
