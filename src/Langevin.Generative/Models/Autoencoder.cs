using Langevin.Generative.Nn;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Models;

/// <summary>
/// A small KL-regularised convolutional autoencoder (Stable Diffusion's VAE in miniature): images
/// B×C×28×28 in [0, 1] ↔ latents B×4×7×7. The encoder outputs a diagonal Gaussian (mean, log-variance);
/// the decoder outputs pixel logits (sigmoid gives [0, 1]). Diffusion runs on the encoder means times
/// the config's latent scale.
/// </summary>
public sealed class Autoencoder : nn.Module<Tensor, Tensor>
{
    private readonly Sequential encoder;
    private readonly Sequential decoder;
    private readonly long _latentChannels;

    /// <summary>Creates an autoencoder with <paramref name="width"/> channels at full resolution.</summary>
    public Autoencoder(int imageChannels, int latentChannels, int width, Generator generator) : base("autoencoder")
    {
        _latentChannels = latentChannels;
        long w = width, w2 = 2 * width;
        encoder = nn.Sequential(
            ("conv_in", new SafeConv2d(imageChannels, w, 3, generator, padding: 1)),
            ("act0", nn.SiLU()),
            ("down1", new SafeConv2d(w, w, 3, generator, stride: 2, padding: 1)),          // 28 → 14
            ("norm1", new GroupNorm2d(Groups.For(w), w)),
            ("act1", nn.SiLU()),
            ("down2", new SafeConv2d(w, w2, 3, generator, stride: 2, padding: 1)),         // 14 → 7
            ("norm2", new GroupNorm2d(Groups.For(w2), w2)),
            ("act2", nn.SiLU()),
            ("conv_mid", new SafeConv2d(w2, w2, 3, generator, padding: 1)),
            ("norm3", new GroupNorm2d(Groups.For(w2), w2)),
            ("act3", nn.SiLU()),
            ("conv_out", new SafeConv2d(w2, 2 * latentChannels, 1, generator)));
        decoder = nn.Sequential(
            ("conv_in", new SafeConv2d(latentChannels, w2, 3, generator, padding: 1)),
            ("act0", nn.SiLU()),
            ("conv_mid", new SafeConv2d(w2, w2, 3, generator, padding: 1)),
            ("norm1", new GroupNorm2d(Groups.For(w2), w2)),
            ("act1", nn.SiLU()),
            ("up1", nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)), // 7 → 14
            ("conv_up1", new SafeConv2d(w2, w, 3, generator, padding: 1)),
            ("norm2", new GroupNorm2d(Groups.For(w), w)),
            ("act2", nn.SiLU()),
            ("up2", nn.Upsample(scale_factor: [2.0, 2.0], mode: UpsampleMode.Nearest)), // 14 → 28
            ("conv_up2", new SafeConv2d(w, w / 2, 3, generator, padding: 1)),
            ("act3", nn.SiLU()),
            ("conv_out", new SafeConv2d(w / 2, imageChannels, 3, generator, padding: 1)));
        RegisterComponents();
        NormInit.Apply(this);
    }

    /// <summary>Builds the autoencoder described by <paramref name="config"/>, with weights drawn from <paramref name="generator"/>.</summary>
    public static Autoencoder Create(LatentDiffusionConfig config, Generator generator) =>
        new(config.ImageChannels, config.LatentChannels, config.AutoencoderWidth, generator);

    /// <summary>Posterior mean and log-variance of the latent, each B×4×7×7, for images in [0, 1].</summary>
    public (Tensor Mean, Tensor LogVariance) Encode(Tensor images)
    {
        using var scope = NewDisposeScope();
        var moments = encoder.forward(images * 2 - 1);
        var parts = moments.split(_latentChannels, 1);
        return (parts[0].MoveToOuterDisposeScope(), parts[1].clamp(-30, 20).MoveToOuterDisposeScope());
    }

    /// <summary>Pixel logits B×C×28×28 for latents (unscaled).</summary>
    public Tensor DecodeLogits(Tensor latents) => decoder.forward(latents);

    /// <summary>Images in [0, 1] for latents (unscaled).</summary>
    public Tensor Decode(Tensor latents)
    {
        using var logits = decoder.forward(latents);
        return logits.sigmoid();
    }

    /// <summary>Reconstruction logits through the posterior mean (no sampling).</summary>
    public override Tensor forward(Tensor images)
    {
        var (mean, logVariance) = Encode(images);
        using (mean)
        using (logVariance)
            return DecodeLogits(mean);
    }
}
