using Langevin.Data;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Training images with their captions: uint8 images N×C×H×W and, per image, a caption group (a list of
/// captions, one of which is drawn at random at each step). Fashion-MNIST uses one group per class;
/// a user's own images (<see cref="CaptionedImageFolder"/>) use one group per image. Owns its handle on the
/// image tensor: dispose it.
/// </summary>
public sealed class CaptionedImages : IDisposable
{
    /// <summary>Takes ownership of <paramref name="images"/> (disposed with this object).</summary>
    /// <param name="images">uint8 images, N×C×H×W, values 0–255.</param>
    /// <param name="groupOfImage">For each image, the index of its caption group.</param>
    /// <param name="captionGroups">The caption groups.</param>
    /// <param name="gridPrompts">One prompt per row of the per-epoch sample grid.</param>
    public CaptionedImages(Tensor images, long[] groupOfImage, IReadOnlyList<IReadOnlyList<string>> captionGroups, IReadOnlyList<string> gridPrompts)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(groupOfImage);
        if (images.dim() != 4) throw new ArgumentException($"expected N×C×H×W images, got shape [{string.Join(", ", images.shape)}]", nameof(images));
        if (groupOfImage.Length != images.shape[0]) throw new ArgumentException($"{groupOfImage.Length} group indices for {images.shape[0]} images", nameof(groupOfImage));
        Images = images;
        GroupOfImage = groupOfImage;
        CaptionGroups = captionGroups ?? throw new ArgumentNullException(nameof(captionGroups));
        GridPrompts = gridPrompts ?? throw new ArgumentNullException(nameof(gridPrompts));
    }

    /// <summary>uint8 images, N×C×H×W, values 0–255.</summary>
    public Tensor Images { get; }

    /// <summary>For each image, the index of its caption group.</summary>
    public long[] GroupOfImage { get; }

    /// <summary>The caption groups.</summary>
    public IReadOnlyList<IReadOnlyList<string>> CaptionGroups { get; }

    /// <summary>One prompt per row of the per-epoch sample grid.</summary>
    public IReadOnlyList<string> GridPrompts { get; }

    /// <summary>Fashion-MNIST with the template-and-synonym captions of <see cref="FashionCaptions"/>.</summary>
    public static CaptionedImages FromFashionMnist(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long[] labels = dataset.Labels.data<long>().ToArray();
        return new CaptionedImages(dataset.Images.alias(), labels, FashionCaptions.All(),
            Enumerable.Range(0, FashionCaptions.Synonyms.Count).Select(FashionCaptions.CanonicalPrompt).ToList());
    }

    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <summary>Every caption of every group (for building the vocabulary).</summary>
    public IEnumerable<string> AllCaptions => CaptionGroups.SelectMany(g => g).Concat(GridPrompts);

    /// <summary>The first <paramref name="count"/> images (a view of the same pixels) with their captions; dispose it too.</summary>
    public CaptionedImages Take(long count)
    {
        count = Math.Clamp(count, 0, Count);
        return new CaptionedImages(Images.narrow(0, 0, count), GroupOfImage[..(int)count], CaptionGroups, GridPrompts);
    }

    /// <inheritdoc />
    public void Dispose() => Images.Dispose();
}
