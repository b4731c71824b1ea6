using System.Globalization;

namespace Langevin.Generative.Gan;

/// <summary>One epoch of a GAN run and how its generator scores after it.</summary>
/// <param name="Epoch">1-based epoch.</param>
/// <param name="DiscriminatorLoss">Mean discriminator loss (BCE on real + BCE on generated).</param>
/// <param name="GeneratorLoss">Mean non-saturating generator loss.</param>
/// <param name="Fid">Fréchet distance between generated and real test images in the judge classifier's feature space.</param>
/// <param name="ClassFractions">Fraction of generated images the judge assigns to each class.</param>
/// <param name="CoverageEntropy">Entropy of <paramref name="ClassFractions"/> divided by ln 10: 1 when every class is equally common, lower under mode collapse.</param>
/// <param name="Seconds">Wall-clock seconds of the epoch's steps.</param>
public sealed record GanEpoch(int Epoch, double DiscriminatorLoss, double GeneratorLoss, double Fid, IReadOnlyList<double> ClassFractions, double CoverageEntropy, double Seconds)
{
    /// <summary>Smallest class fraction (0 when the generator never draws some class).</summary>
    public double RarestClass => ClassFractions.Min();

    /// <summary>CSV header of <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "epoch,d_loss,g_loss,fid,coverage_entropy,rarest_class,seconds";

    /// <summary>The row as CSV.</summary>
    public string ToCsv() => string.Create(CultureInfo.InvariantCulture,
        $"{Epoch},{DiscriminatorLoss:F5},{GeneratorLoss:F5},{Fid:F4},{CoverageEntropy:F5},{RarestClass:F5},{Seconds:F1}");
}
