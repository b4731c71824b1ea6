using Langevin.Generative.Schedulers;
using TorchSharp;

namespace Langevin.Generative.StableDiffusion;

/// <summary>How to read a Stable Diffusion checkpoint.</summary>
public sealed record StableDiffusionLoadOptions
{
    /// <summary>The prediction type when the checkpoint cannot tell (single files); null infers it.</summary>
    public PredictionType? PredictionType { get; init; }

    /// <summary>
    /// The LDM YAML config of a single-file checkpoint; null looks for one beside the file with the same name
    /// (<c>model.yaml</c> for <c>model.safetensors</c>), as diffusers' <c>original_config</c> is found.
    /// </summary>
    public string? OriginalConfig { get; init; }

    /// <summary>
    /// A diffusers <c>unet/</c> folder to use instead of the checkpoint's UNet (e.g. an inpainting UNet with the base
    /// model's other components, as diffusers' <c>unet=</c> argument); null keeps the checkpoint's.
    /// </summary>
    public string? UNet { get; init; }

    /// <summary>The tokenizer folder for a single file (which carries none); null uses the shipped CLIP tokenizer.</summary>
    public string? Tokenizer { get; init; }

    /// <summary>
    /// Where the networks run: <c>cpu</c> (default) or <c>cuda</c>, which needs TorchSharp's libtorch-cuda package in
    /// place of libtorch-cpu. The sampler's arithmetic stays on the CPU in float32 either way (the latents are small).
    /// </summary>
    public DeviceType Device { get; init; } = DeviceType.CPU;

    /// <summary>The networks' dtype: float32 (default) or float16 (halves memory; for CUDA, where half kernels are fast).</summary>
    public torch.ScalarType DType { get; init; } = torch.ScalarType.Float32;
    /// <summary>LoRA files merged into the weights after loading, in order (see <see cref="StableDiffusionModel.ApplyLora"/>).</summary>
    public IReadOnlyList<LoraSpec> Loras { get; init; } = [];
}
