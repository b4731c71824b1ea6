using System.Globalization;
using System.IO.Compression;
using static TorchSharp.torch;

namespace Langevin.Data;

/// <summary>
/// The 1,797 8×8 handwritten digits of the UCI "Optical Recognition of Handwritten Digits" test set, as scikit-learn ships
/// them (<c>digits.csv.gz</c>: 64 pixel counts in 0…16 and the digit per row), shipped in <c>data/uci-digits</c>. Read as
/// 28×28 uint8 images (scaled ×255/16, resized bilinearly) so that a Fashion-MNIST classifier can be shown them: images of
/// a kind it never saw, for out-of-distribution detection.
/// </summary>
public static class UciDigits
{
    /// <summary>The folder name under a data root.</summary>
    public const string FolderName = "uci-digits";

    /// <summary>The file name, as scikit-learn has it.</summary>
    public const string FileName = "digits.csv.gz";

    /// <summary>The ten class names, indexed by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];

    /// <summary>The first <c>uci-digits/digits.csv.gz</c> (or <c>digits.csv.gz</c>) under the search paths' roots, or null.</summary>
    public static string? Find(DatasetSearchPaths paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        return paths.InOrder()
            .SelectMany(p => new[] { Path.Combine(p.Root, FolderName, FileName), Path.Combine(p.Root, FileName) })
            .FirstOrDefault(File.Exists);
    }

    /// <summary>Reads the digits from <paramref name="path"/> as N×1×<paramref name="size"/>×<paramref name="size"/> uint8 images.</summary>
    /// <exception cref="UserErrorException">The file is missing, not gzip, or a row is not 65 integers in range.</exception>
    public static ImageDataset Load(string path, int size = 28)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        var pixels = new List<byte>();
        var labels = new List<long>();
        try
        {
            using var file = File.OpenRead(path);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var reader = new StreamReader(gzip);
            int row = 0;
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                row++;
                if (line.Length == 0) continue;
                var cells = line.Split(',');
                if (cells.Length != 65) throw new UserErrorException($"{path}, row {row}: {cells.Length} values, expected 64 pixels and a digit; the file is not scikit-learn's digits.csv.gz");
                for (int i = 0; i < 65; i++)
                {
                    if (!int.TryParse(cells[i], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v > (i < 64 ? 16 : 9))
                        throw new UserErrorException($"{path}, row {row}: '{cells[i]}' is not {(i < 64 ? "a pixel count in 0…16" : "a digit 0…9")}; the file is corrupt");
                    if (i < 64) pixels.Add((byte)v);
                    else labels.Add(v);
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"{path} cannot be read as gzip-compressed CSV ({e.Message}); use scikit-learn's digits.csv.gz as shipped in data/{FolderName}", e);
        }
        if (labels.Count == 0) throw new UserErrorException($"{path} holds no digits; use scikit-learn's digits.csv.gz as shipped in data/{FolderName}");

        using var scope = NewDisposeScope();
        var small = tensor(pixels.ToArray(), [labels.Count, 1, 8, 8], ScalarType.Byte).to_type(ScalarType.Float32).mul(255.0 / 16);
        var large = nn.functional.interpolate(small, [size, size], mode: InterpolationMode.Bilinear, align_corners: false);
        var images = large.round().clamp(0, 255).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
        var labelTensor = tensor(labels.ToArray(), ScalarType.Int64).MoveToOuterDisposeScope();
        return new ImageDataset($"{FolderName}/test", images, labelTensor, ClassNames);
    }
}
