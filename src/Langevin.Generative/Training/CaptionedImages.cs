using Langevin.Data;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Training images with their captions: uint8 images N×C×H×W and, per image, a caption group (a list of
/// captions, one of which is drawn at random at each step). Fashion-MNIST uses one group per class;
/// a user's own images (<see cref="CaptionedImageFolder"/>) use one group per image. Owns its handle on the
/// image tensor: dispose it.
/// </summary>
/// <param name="Images">uint8 images, N×C×H×W, values 0–255.</param>
/// <param name="GroupOfImage">For each image, the index of its caption group.</param>
/// <param name="CaptionGroups">The caption groups.</param>
/// <param name="GridPrompts">One prompt per row of the per-epoch sample grid.</param>
public sealed record CaptionedImages(Tensor Images, long[] GroupOfImage, IReadOnlyList<IReadOnlyList<string>> CaptionGroups, IReadOnlyList<string> GridPrompts)
    : IDisposable
{
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
        return this with { Images = Images.narrow(0, 0, count), GroupOfImage = GroupOfImage[..(int)count] };
    }

    /// <inheritdoc />
    public void Dispose() => Images.Dispose();
}
