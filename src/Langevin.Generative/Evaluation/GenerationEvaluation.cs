using System.Diagnostics;
using Langevin.Data;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Evaluation;

/// <summary>Prompt adherence at one guidance scale: per class and overall.</summary>
/// <param name="Guidance">Classifier-free guidance scale used.</param>
/// <param name="PerClass">Fraction of class c's images that the classifier assigns to c.</param>
/// <param name="Overall">Fraction over all classes.</param>
/// <param name="ImagesPerClass">Images generated per class.</param>
/// <param name="Seconds">Wall-clock generation time.</param>
public sealed record AdherenceResult(double Guidance, IReadOnlyList<double> PerClass, double Overall, int ImagesPerClass, double Seconds);

/// <summary>
/// Scores a text-to-image model on Fashion-MNIST prompts with the project's classifier: prompt
/// adherence (the prompt "a photo of a sneaker" should give images classified as Sneaker) and FID in the
/// classifier's feature space against real test images.
/// </summary>
public static class GenerationEvaluation
{
    /// <summary>
    /// Generates <paramref name="perClass"/> images of each class's canonical prompt. Images of class c use
    /// seed options.Seed + c, so results do not depend on which other classes are evaluated.
    /// Returns images (10·perClass × 1×28×28, class-major) and their intended labels.
    /// </summary>
    public static (Tensor Images, long[] Labels) GenerateClasses(LatentDiffusionModel model, int perClass, GenerationOptions options, IProgress<long>? progress = null)
    {
        var parts = new List<Tensor>();
        var labels = new List<long>();
        try
        {
            for (int c = 0; c < FashionCaptions.Synonyms.Count; c++)
            {
                parts.Add(TextToImage.Generate(model, FashionCaptions.CanonicalPrompt(c), perClass, options with { Seed = options.Seed + c }));
                labels.AddRange(Enumerable.Repeat((long)c, perClass));
                progress?.Report(perClass);
            }
            return (cat(parts, 0), labels.ToArray());
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Adherence of already generated images with intended <paramref name="labels"/>.</summary>
    public static AdherenceResult Score(FashionClassifier classifier, Tensor images, long[] labels, double guidance, double seconds)
    {
        long[] predicted = classifier.Predict(images);
        int classes = FashionCaptions.Synonyms.Count;
        var hits = new int[classes];
        var totals = new int[classes];
        for (int i = 0; i < labels.Length; i++)
        {
            totals[labels[i]]++;
            if (predicted[i] == labels[i]) hits[labels[i]]++;
        }
        var perClass = Enumerable.Range(0, classes).Select(c => totals[c] == 0 ? double.NaN : (double)hits[c] / totals[c]).ToList();
        return new AdherenceResult(guidance, perClass, (double)hits.Sum() / labels.Length, labels.Length / classes, seconds);
    }

    /// <summary>Generates and scores adherence at one guidance scale.</summary>
    public static AdherenceResult Adherence(LatentDiffusionModel model, FashionClassifier classifier, int perClass, GenerationOptions options, IProgress<long>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var (images, labels) = GenerateClasses(model, perClass, options, progress);
        using (images)
            return Score(classifier, images, labels, options.Guidance, clock.Elapsed.TotalSeconds);
    }

    /// <summary>Classifier features of images (B×1×28×28 in [0, 1]), in chunks of 1000.</summary>
    public static Tensor Features(FashionClassifier classifier, Tensor images)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += 1000)
        {
            using var chunk = images.narrow(0, start, Math.Min(1000, images.shape[0] - start));
            parts.Add(classifier.Features(chunk));
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>Features of the first <paramref name="count"/> images of a dataset.</summary>
    public static Tensor Features(FashionClassifier classifier, ImageDataset dataset, long start, long count)
    {
        using var images = ImageDataset.ToFloat(dataset.Images.narrow(0, start, count));
        return Features(classifier, images);
    }
}
