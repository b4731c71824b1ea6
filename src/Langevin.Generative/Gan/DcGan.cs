using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Gan;

/// <summary>
/// The DCGAN generator (Radford et al. 2016) sized for 28×28 grayscale images: z → 128×7×7 → transposed convolutions
/// with batch norm and ReLU → 1×28×28 through tanh (images in [−1, 1]).
/// </summary>
public sealed class DcGenerator : nn.Module<Tensor, Tensor>
{
    private readonly Linear project;
    private readonly BatchNorm1d projectNorm;
    private readonly ConvTranspose2d up1;
    private readonly BatchNorm2d norm1;
    private readonly ConvTranspose2d up2;

    /// <summary>Creates the generator for latent vectors of <paramref name="latentSize"/>, its weights drawn from <paramref name="generator"/>.</summary>
    public DcGenerator(int latentSize, Generator generator) : base("dc_generator")
    {
        LatentSize = latentSize;
        project = SeededInit.Default(nn.Linear(latentSize, 128 * 7 * 7), generator);
        projectNorm = nn.BatchNorm1d(128 * 7 * 7);
        up1 = SeededInit.Default(nn.ConvTranspose2d(128, 64, 4, stride: 2, padding: 1), generator);
        norm1 = nn.BatchNorm2d(64);
        up2 = SeededInit.Default(nn.ConvTranspose2d(64, 1, 4, stride: 2, padding: 1), generator);
        RegisterComponents();
    }

    /// <summary>Length of z.</summary>
    public int LatentSize { get; }

    /// <summary>Images B×1×28×28 in [−1, 1] from z (B × <see cref="LatentSize"/>).</summary>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.relu(projectNorm.forward(project.forward(z))).reshape(-1, 128, 7, 7);
        h = nn.functional.relu(norm1.forward(up1.forward(h)));
        return up2.forward(h).tanh().MoveToOuterDisposeScope();
    }
}

/// <summary>The DCGAN discriminator for 28×28 grayscale images: strided convolutions with leaky ReLU (0.2) and batch norm, one logit.</summary>
public sealed class DcDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d down1;
    private readonly Conv2d down2;
    private readonly BatchNorm2d norm2;
    private readonly Linear output;

    /// <summary>Creates the discriminator, its weights drawn from <paramref name="generator"/>.</summary>
    public DcDiscriminator(Generator generator) : base("dc_discriminator")
    {
        down1 = SeededInit.Default(nn.Conv2d(1, 64, 4, stride: 2, padding: 1), generator);
        down2 = SeededInit.Default(nn.Conv2d(64, 128, 4, stride: 2, padding: 1), generator);
        norm2 = nn.BatchNorm2d(128);
        output = SeededInit.Default(nn.Linear(128 * 7 * 7, 1), generator);
        RegisterComponents();
    }

    /// <summary>The logit of "real" for images B×1×28×28 in [−1, 1].</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.leaky_relu(down1.forward(images), 0.2);
        h = nn.functional.leaky_relu(norm2.forward(down2.forward(h)), 0.2);
        return output.forward(h.flatten(1)).squeeze(1).MoveToOuterDisposeScope();
    }
}
