using static TorchSharp.torch;

namespace Langevin.Generative.StableDiffusion;

/// <summary>The images of one generation, with what produced them.</summary>
/// <param name="Images">(N, 3, H, W) in [0, 1], as diffusers' image processor leaves them before 8-bit conversion.</param>
/// <param name="Latents">The final latents (N, 4, H/8, W/8).</param>
/// <param name="Sampler">The sampler's diffusers class.</param>
/// <param name="Timesteps">The timesteps run.</param>
public sealed record StableDiffusionResult(Tensor Images, Tensor Latents, string Sampler, IReadOnlyList<double> Timesteps) : IDisposable
{
    /// <summary>Image <paramref name="index"/> as 8-bit RGB bytes, row-major (H, W, 3): round(255·x) as diffusers' numpy_to_pil does.</summary>
    public byte[] Rgb(int index)
    {
        using var scope = NewDisposeScope();
        var pixels = (Images[index] * 255).round().clamp(0, 255).to_type(TorchSharp.torch.ScalarType.Byte).permute(1, 2, 0).contiguous();
        return pixels.data<byte>().ToArray();
    }

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        Images.Dispose();
        Latents.Dispose();
    }
}
