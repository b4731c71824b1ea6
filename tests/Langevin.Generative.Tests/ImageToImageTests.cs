using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Pipeline;
using Langevin.Torch;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>
/// Image-to-image with the shipped model, judged by the shipped classifier: strength 0 is the autoencoder's
/// reconstruction, low strength keeps what the image shows, full strength draws what the prompt says.
/// </summary>
public sealed class ImageToImageTests
{
    private const int AnkleBoot = 9, Sneaker = 7;

    /// <summary>The first ankle boot of the real Fashion-MNIST test split, 1×28×28 in [0, 1].</summary>
    private static Tensor FirstAnkleBoot()
    {
        var location = new DatasetLocator(DatasetSearchPaths.ForThisProcess(null)).Find(DatasetKind.FashionMnist);
        using var test = FashionMnist.Load(location.Folder, DatasetSplit.Test);
        long index = Array.IndexOf(test.Labels.data<long>().ToArray(), (long)AnkleBoot);
        using var bytes = test.Images[index];
        return ImageDataset.ToFloat(bytes);
    }

    private static bool Same(Tensor a, Tensor b) => allclose(a, b, rtol: 0, atol: 0);

    [Theory]
    [InlineData(50, 0.8, 40)]
    [InlineData(50, 1.0, 50)]
    [InlineData(50, 0.01, 0)]
    [InlineData(25, 0.5, 12)]
    public void Strength_runs_the_last_floor_of_strength_times_steps_steps(int steps, double strength, int run) =>
        Assert.Equal(run, ImageToImage.StepsRun(steps, strength));

    [Fact]
    public void Strength_zero_is_the_autoencoder_reconstruction_and_seeds_reproduce()
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        using var boot = FirstAnkleBoot();
        var options = new GenerationOptions { Steps = 10, Seed = 3 };

        using var kept = ImageToImage.Generate(model, boot, "a photo of a sneaker", 2, 0.0, options);
        using var inference = no_grad(); // the pipeline samples without gradients, and so is the reference computed
        using var single = boot.unsqueeze(0);
        using var latent = model.EncodeImages(single);
        using var reconstruction = model.DecodeLatents(latent);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, kept.shape);
        for (int i = 0; i < 2; i++)
        {
            using var image = kept[i];
            using var expected = reconstruction[0];
            Assert.True(Same(image, expected));
        }
        // Encoding the image once and sharing its latent is the batched encoding up to float32 rounding: convolutions
        // pick other kernels for another batch size, and ~10 layers of few-ulp differences stay far below 1e-4.
        using var pair = boot.unsqueeze(0).expand(2, -1, -1, -1);
        using var batchedLatent = model.EncodeImages(pair);
        using var batched = model.DecodeLatents(batchedLatent);
        Assert.True(allclose(kept, batched, rtol: 0, atol: 1e-4));

        using var once = ImageToImage.Generate(model, boot, "a photo of a sneaker", 2, 0.6, options);
        using var again = ImageToImage.Generate(model, boot, "a photo of a sneaker", 2, 0.6, options);
        Assert.True(Same(once, again));
        Assert.False(Same(once, kept));
    }

    [Fact]
    public void Low_strength_keeps_the_boot_and_full_strength_follows_the_prompt()
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        using var classifier = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
        using var boot = FirstAnkleBoot();
        var options = new GenerationOptions { Steps = 25, Sampler = SamplerKind.Ddim, Guidance = 3, Seed = 11 };

        // 0.1 runs the last 2 of 25 steps. (The model shipped since 2026-12-05 crosses over from boot to sneaker at about
        // strength 0.2: 7, 10 and 8 boots of 16 for seeds 11–13; the one before kept a majority there.)
        using var light = ImageToImage.Generate(model, boot, "a photo of a sneaker", 8, 0.1, options);
        using var middle = ImageToImage.Generate(model, boot, "a photo of a sneaker", 8, 0.3, options);
        using var full = ImageToImage.Generate(model, boot, "a photo of a sneaker", 8, 1.0, options);
        long[] lightClasses = classifier.Predict(light), middleClasses = classifier.Predict(middle), fullClasses = classifier.Predict(full);

        // A majority either way: what the image shows survives light noise, the prompt wins from near-pure noise; and the
        // more noise, the fewer boots.
        Assert.True(lightClasses.Count(c => c == AnkleBoot) > 4, $"strength 0.1 classes: {string.Join(",", lightClasses)}");
        Assert.True(fullClasses.Count(c => c == Sneaker) > 4, $"strength 1 classes: {string.Join(",", fullClasses)}");
        int[] boots = [lightClasses.Count(c => c == AnkleBoot), middleClasses.Count(c => c == AnkleBoot), fullClasses.Count(c => c == AnkleBoot)];
        Assert.True(boots[0] >= boots[1] && boots[1] >= boots[2], $"boots at strength 0.1, 0.3, 1: {string.Join(", ", boots)}");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Strength_outside_zero_to_one_is_a_user_error(double strength)
    {
        TorchRuntime.EnsureLoaded();
        using var model = LatentDiffusionModel.Load(ShippedModels.Find(ShippedModels.TextToImage));
        using var image = zeros(1, 28, 28);
        var error = Assert.Throws<UserErrorException>(() => ImageToImage.Generate(model, image, "a bag", 1, strength, new GenerationOptions()));
        Assert.StartsWith("ImageToImage.strength must be between 0", error.Message);
    }
}
