using static TorchSharp.torch;

namespace Langevin.Data;

/// <summary>
/// CIFAR-10, binary version (<c>cifar-10-batches-bin</c>): 60,000 colour 32×32 images of 10 classes.
/// Each file is a sequence of 3,073-byte records: one label byte, then 1,024 red, 1,024 green and
/// 1,024 blue bytes, each plane row-major. Training is <c>data_batch_1..5.bin</c>, test is <c>test_batch.bin</c>.
/// </summary>
public static class Cifar10
{
    /// <summary>The folder name inside the official archive, used under a data root.</summary>
    public const string FolderName = "cifar-10-batches-bin";

    /// <summary>Bytes per record: label + 3×32×32 pixels.</summary>
    public const int RecordLength = 1 + 3 * 32 * 32;

    /// <summary>The ten class names, indexed by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>The files of a split, in the order their records are concatenated.</summary>
    public static IReadOnlyList<string> FilesOf(DatasetSplit split) => split == DatasetSplit.Train
        ? ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"]
        : ["test_batch.bin"];

    /// <summary>True when <paramref name="folder"/> holds every batch file.</summary>
    public static bool IsPresentIn(string folder) =>
        FilesOf(DatasetSplit.Train).Concat(FilesOf(DatasetSplit.Test)).All(f => File.Exists(Path.Combine(folder, f)));

    /// <summary>Loads one split into an <see cref="ImageDataset"/> (N×3×32×32 uint8).</summary>
    public static ImageDataset Load(string folder, DatasetSplit split)
    {
        var files = FilesOf(split).Select(f => Path.Combine(folder, f)).ToArray();
        var sizes = new long[files.Length];
        for (int i = 0; i < files.Length; i++)
        {
            if (!File.Exists(files[i]))
                throw new UserErrorException($"{files[i]} not found; {DatasetKind.Cifar10.HowToGet()}");
            sizes[i] = new FileInfo(files[i]).Length;
            if (sizes[i] == 0 || sizes[i] % RecordLength != 0)
                throw new UserErrorException($"{files[i]}: {sizes[i]} bytes is not a whole number of {RecordLength}-byte CIFAR-10 records; the file is truncated or not CIFAR-10 binary — download it again");
        }

        long total = sizes.Sum() / RecordLength;
        var pixels = new byte[total * (RecordLength - 1)];
        var labels = new byte[total];
        long record = 0;
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(file);
            for (int at = 0; at < bytes.Length; at += RecordLength, record++)
            {
                byte label = bytes[at];
                if (label >= ClassNames.Count)
                    throw new UserErrorException($"{file}: label {label} in record {at / RecordLength} is outside 0–9; the file is corrupt or not CIFAR-10 binary");
                labels[record] = label;
                Buffer.BlockCopy(bytes, at + 1, pixels, (int)(record * (RecordLength - 1)), RecordLength - 1);
            }
        }

        var images = tensor(pixels, [total, 3, 32, 32], ScalarType.Byte);
        using var labelBytes = tensor(labels, [total], ScalarType.Byte);
        return new ImageDataset($"cifar10/{split.ToString().ToLowerInvariant()}", images, labelBytes.to_type(ScalarType.Int64), ClassNames);
    }
}
