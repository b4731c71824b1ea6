using static TorchSharp.torch;

namespace Langevin.Data;

/// <summary>
/// Fashion-MNIST (Zalando, MIT licence): 70,000 grayscale 28×28 images of 10 clothing classes, in the
/// four IDX files of the original distribution, gzipped or not.
/// </summary>
public static class FashionMnist
{
    /// <summary>The folder name under a data root (as in the Debian package and the shipped data/).</summary>
    public const string FolderName = "fashion-mnist";

    /// <summary>The ten class names, indexed by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>True when <paramref name="folder"/> holds all four files (gzipped or not).</summary>
    public static bool IsPresentIn(string folder) =>
        new[] { DatasetSplit.Train, DatasetSplit.Test }.All(split =>
            FindFile(folder, ImagesFile(split)) is not null && FindFile(folder, LabelsFile(split)) is not null);

    /// <summary>Loads one split from <paramref name="folder"/> into an <see cref="ImageDataset"/> (N×1×28×28 uint8).</summary>
    public static ImageDataset Load(string folder, DatasetSplit split)
    {
        string imagesPath = FindFile(folder, ImagesFile(split))
            ?? throw new UserErrorException($"{Path.Combine(folder, ImagesFile(split))}[.gz] not found; point {{FashionMnist.folder}} at a Fashion-MNIST folder");
        string labelsPath = FindFile(folder, LabelsFile(split))
            ?? throw new UserErrorException($"{Path.Combine(folder, LabelsFile(split))}[.gz] not found; point {{FashionMnist.folder}} at a Fashion-MNIST folder");

        var images = IdxFile.Read(imagesPath);
        var labels = IdxFile.Read(labelsPath);
        if (images.Shape.Length != 3)
            throw new UserErrorException($"{imagesPath}: expected a rank-3 IDX file of images (N×H×W), found rank {images.Shape.Length}");
        if (labels.Shape.Length != 1)
            throw new UserErrorException($"{labelsPath}: expected a rank-1 IDX file of labels, found rank {labels.Shape.Length}");
        if (images.Shape[0] != labels.Shape[0])
            throw new UserErrorException($"{imagesPath} has {images.Shape[0]} images but {labelsPath} has {labels.Shape[0]} labels; the files do not belong together");
        int badLabel = Array.FindIndex(labels.Data, l => l >= ClassNames.Count);
        if (badLabel >= 0)
            throw new UserErrorException($"{labelsPath}: label {labels.Data[badLabel]} at index {badLabel} is outside 0–9; the file is corrupt");

        long n = images.Shape[0];
        var imageTensor = tensor(images.Data, [n, 1, images.Shape[1], images.Shape[2]], ScalarType.Byte);
        using var labelBytes = tensor(labels.Data, [n], ScalarType.Byte);
        return new ImageDataset($"{FolderName}/{split.ToString().ToLowerInvariant()}", imageTensor, labelBytes.to_type(ScalarType.Int64), ClassNames);
    }

    private static string ImagesFile(DatasetSplit split) => split == DatasetSplit.Train ? "train-images-idx3-ubyte" : "t10k-images-idx3-ubyte";

    private static string LabelsFile(DatasetSplit split) => split == DatasetSplit.Train ? "train-labels-idx1-ubyte" : "t10k-labels-idx1-ubyte";

    private static string? FindFile(string folder, string name) =>
        new[] { name + ".gz", name }.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);
}
