using Langevin.Data;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Training images with their captions: uint8 images N×C×H×W and, per image, a caption group (a list of
/// captions, one of which is drawn at random at each step). Fashion-MNIST uses one group per class;
/// a user's own images would use one group per image. Does not own the image tensor.
/// </summary>
/// <param name="Images">uint8 images, N×C×H×W, values 0–255.</param>
/// <param name="GroupOfImage">For each image, the index of its caption group.</param>
/// <param name="CaptionGroups">The caption groups.</param>
/// <param name="GridPrompts">One prompt per row of the per-epoch sample grid.</param>
public sealed record CaptionedImages(Tensor Images, long[] GroupOfImage, IReadOnlyList<IReadOnlyList<string>> CaptionGroups, IReadOnlyList<string> GridPrompts)
{
    /// <summary>Fashion-MNIST with the template-and-synonym captions of <see cref="FashionCaptions"/>.</summary>
    public static CaptionedImages FromFashionMnist(ImageDataset dataset)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        long[] labels = dataset.Labels.data<long>().ToArray();
        return new CaptionedImages(dataset.Images, labels, FashionCaptions.All(),
            Enumerable.Range(0, FashionCaptions.Synonyms.Count).Select(FashionCaptions.CanonicalPrompt).ToList());
    }

    /// <summary>Number of images.</summary>
    public long Count => Images.shape[0];

    /// <summary>Every caption of every group (for building the vocabulary).</summary>
    public IEnumerable<string> AllCaptions => CaptionGroups.SelectMany(g => g).Concat(GridPrompts);
}
