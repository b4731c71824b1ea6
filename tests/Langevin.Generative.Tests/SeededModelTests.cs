using Langevin.Data;
using Langevin.Generative.Evaluation;
using TorchSharp;
using static TorchSharp.torch.nn;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>The tests that seed torch's process-wide generator on purpose, to compare against it, run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalTorchState
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch's process-wide generator";
}

/// <summary>The judge classifier is built from a generator of its own and trains the same alone or beside another training.</summary>
[Collection(GlobalTorchState.Name)]
public sealed class SeededModelTests
{
    public SeededModelTests() => Langevin.Torch.TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_classifier_has_the_weights_the_global_seed_gave()
    {
        torch.manual_seed(21);
        Module[] reference = [Conv2d(1, 16, 3, padding: 1), Conv2d(16, 32, 3, padding: 1), Linear(32 * 7 * 7, FashionClassifier.FeatureWidth), Linear(FashionClassifier.FeatureWidth, 10)];
        using var generator = new Generator(21);
        using var model = new FashionClassifier(generator);
        var expected = reference.SelectMany(m => m.parameters()).ToArray();
        var actual = model.parameters().ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) Assert.True(expected[i].eq(actual[i]).all().item<bool>(), $"parameter {i} differs");
    }

    [Fact]
    public async Task Two_classifier_trainings_running_concurrently_give_what_each_gives_alone()
    {
        using var data = Synthetic(256);
        Tensor[] Alone(long seed)
        {
            using var model = FashionClassifier.Train(data, epochs: 1, seed);
            return model.parameters().Select(p => p.detach().clone()).ToArray();
        }
        var a = Alone(1);
        var b = Alone(2);
        using var start = new Barrier(2);
        var together = await Task.WhenAll(new[] { 1L, 2L }.Select(seed => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Alone(seed);
        }, TaskCreationOptions.LongRunning)));
        foreach (var (alone, both) in new[] { (a, together[0]), (b, together[1]) })
            for (int i = 0; i < alone.Length; i++) Assert.True(alone[i].eq(both[i]).all().item<bool>(), $"parameter {i} differs when trained concurrently");
        Assert.False(a[0].eq(b[0]).all().item<bool>(), "two seeds trained to the same weights");
    }

    [Fact]
    public async Task Two_generations_running_concurrently_give_what_each_gives_alone()
    {
        using var model = Pipeline.LatentDiffusionModel.Load(Pipeline.ShippedModels.Find(Pipeline.ShippedModels.TextToImage));
        var ddim = new Pipeline.GenerationOptions { Steps = 8, Sampler = Pipeline.SamplerKind.Ddim, Guidance = 3, Seed = 4 };
        var ddpm = ddim with { Sampler = Pipeline.SamplerKind.Ddpm, Seed = 9 };
        Tensor Alone(string prompt, Pipeline.GenerationOptions options) => Pipeline.TextToImage.Generate(model, prompt, 3, options);
        using var a = Alone("a photo of a sneaker", ddim);
        using var b = Alone("a bag", ddpm);
        using var start = new Barrier(2);
        var together = await Task.WhenAll(new[] { ("a photo of a sneaker", ddim), ("a bag", ddpm) }.Select(job => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return Alone(job.Item1, job.Item2);
        }, TaskCreationOptions.LongRunning)));
        Assert.Equal(0f, (a - together[0]).abs().max().item<float>());
        Assert.Equal(0f, (b - together[1]).abs().max().item<float>());
        foreach (var image in together) image.Dispose();
    }

    /// <summary>28×28 images whose class is the row band that is bright, with seeded noise (System.Random: test data only).</summary>
    private static ImageDataset Synthetic(int count)
    {
        var random = new Random(5);
        var pixels = new byte[count * 28 * 28];
        var labels = new long[count];
        for (int n = 0; n < count; n++)
        {
            labels[n] = n % 10;
            for (int i = 0; i < 28 * 28; i++)
                pixels[n * 784 + i] = (byte)(i / 28 / 3 == labels[n] ? 200 + random.Next(56) : random.Next(60));
        }
        return new ImageDataset("synthetic", tensor(pixels, [count, 1, 28, 28], ScalarType.Byte), tensor(labels), Enumerable.Range(0, 10).Select(c => $"c{c}").ToList());
    }
}
