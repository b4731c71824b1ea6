using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Data;

/// <summary>
/// A labelled image set held as two tensors: <see cref="Images"/> (uint8, N×C×H×W, values 0–255) and
/// <see cref="Labels"/> (int64, N). Bytes are kept as uint8 (a quarter of the memory of float32);
/// models convert a batch at a time with <see cref="ToFloat"/>. Owns its tensors: dispose it.
/// </summary>
public sealed class ImageDataset : IDisposable
{
    /// <summary>Wraps existing tensors; the dataset takes ownership of them.</summary>
    public ImageDataset(string name, Tensor images, Tensor labels, IReadOnlyList<string> classNames)
    {
        if (images.dim() != 4) throw new ArgumentException("images must be N×C×H×W", nameof(images));
        if (labels.dim() != 1 || labels.shape[0] != images.shape[0])
            throw new ArgumentException($"{images.shape[0]} images but {labels.shape[0]} labels", nameof(labels));
        Name = name;
        Images = images;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Human-readable name, e.g. "fashion-mnist/train".</summary>
    public string Name { get; }

    /// <summary>uint8 tensor N×C×H×W.</summary>
    public Tensor Images { get; }

    /// <summary>int64 tensor of class indices, length N.</summary>
    public Tensor Labels { get; }

    /// <summary>Class names indexed by label.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <summary>Channels, height and width of one image.</summary>
    public (long Channels, long Height, long Width) ImageShape => (Images.shape[1], Images.shape[2], Images.shape[3]);

    /// <summary>Converts uint8 images to float32 in [0, 1].</summary>
    public static Tensor ToFloat(Tensor images) => images.to_type(ScalarType.Float32).div_(255f);

    /// <summary>A view of images <paramref name="start"/> to <paramref name="start"/>+<paramref name="length"/>−1, as a new dataset sharing storage.</summary>
    public ImageDataset Slice(long start, long length) =>
        new(Name, Images.narrow(0, start, length), Labels.narrow(0, start, length), ClassNames);

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
