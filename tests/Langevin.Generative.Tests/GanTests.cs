using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Gan;
using Langevin.Generative.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>The DCGAN: shapes, the losses at a known point, coverage, and a resumed run equal to an uninterrupted one.</summary>
public sealed class GanTests
{
    // No thread count is set here: it is process-wide, and other tests in this assembly compare results across threads.
    public GanTests() => Langevin.Torch.TorchRuntime.EnsureLoaded();

    [Fact]
    public void The_players_map_latents_to_images_in_minus_one_one_and_images_to_one_logit()
    {
        using var weights = new Generator(3);
        using var g = new DcGenerator(16, weights);
        using var d = new DcDiscriminator(weights);
        using var scope = NewDisposeScope();
        var images = g.forward(randn(5, 16));
        Assert.Equal([5L, 1, 28, 28], images.shape);
        Assert.True(images.abs().max().item<float>() <= 1);
        Assert.Equal([5L], d.forward(images).shape);
    }

    [Fact]
    public void With_a_silent_discriminator_the_losses_are_two_ln2_and_ln2()
    {
        // A discriminator whose last layer is zero says logit 0 (p = ½) to everything: its loss on a real and a generated
        // batch is 2·ln 2, the generator's non-saturating loss ln 2, whatever the images.
        using var weights = new Generator(4);
        using var d = new DcDiscriminator(weights);
        using (no_grad())
            foreach (var (name, p) in d.named_parameters().Where(p => p.name.StartsWith("output", StringComparison.Ordinal))) p.zero_();
        using var scope = NewDisposeScope();
        var logits = d.forward(rand(8, 1, 28, 28).mul(2).sub(1));
        var real = nn.functional.binary_cross_entropy_with_logits(logits, ones(8));
        var fake = nn.functional.binary_cross_entropy_with_logits(logits, zeros(8));
        Assert.Equal(2 * Math.Log(2), real.add(fake).item<float>(), 6);
        Assert.Equal(Math.Log(2), real.item<float>(), 6);
    }

    [Fact]
    public void A_resumed_gan_run_ends_where_an_uninterrupted_one_does_for_adam_and_langevin()
    {
        string data = Path.Combine(DatasetSearchPaths.FindShippedDataFolder(AppContext.BaseDirectory)!, "fashion-mnist");
        using var train = FashionMnist.Load(data, DatasetSplit.Train);
        using var test = FashionMnist.Load(data, DatasetSplit.Test);
        using var judge = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
        foreach (var optimizer in new[] { GanOptimizer.Adam, GanOptimizer.Sghmc })
        {
            var config = new GanConfig { Optimizer = optimizer, Epochs = 2, TrainLimit = 256, BatchSize = 32, EvaluationImages = 100, Seed = 5, Diffusion = 1e-4 };
            string straight = Directory.CreateTempSubdirectory("langevin-gan-").FullName, resumed = Directory.CreateTempSubdirectory("langevin-gan-").FullName;
            try
            {
                IReadOnlyList<GanEpoch> whole;
                using (var trainer = new GanTrainer(config, train, test, judge, straight)) whole = trainer.Run().ToList();
                using (var first = new GanTrainer(config with { Epochs = 1 }, train, test, judge, resumed)) first.Run();
                using var second = new GanTrainer(config, train, test, judge, resumed, resume: true);
                Assert.Single(second.Epochs);
                var again = second.Run();
                Assert.Equal(whole.Select(e => (e.DiscriminatorLoss, e.GeneratorLoss, e.Fid)), again.Select(e => (e.DiscriminatorLoss, e.GeneratorLoss, e.Fid)));
                Assert.Equal(2, File.ReadAllLines(Path.Combine(resumed, "metrics.csv")).Length - 1);
                Assert.True(File.Exists(Path.Combine(resumed, "samples", "epoch-002.png")));
                // Coverage: fractions of a distribution over the ten classes, entropy normalised to [0, 1].
                Assert.Equal(1, again[^1].ClassFractions.Sum(), 12);
                Assert.InRange(again[^1].CoverageEntropy, 0, 1);
            }
            finally
            {
                Directory.Delete(straight, recursive: true);
                Directory.Delete(resumed, recursive: true);
            }
        }
    }

    [Fact]
    public void Bad_settings_are_one_line_naming_the_setting()
    {
        Assert.Contains("GanConfig.Epochs", Assert.Throws<UserErrorException>(() => new GanConfig { Epochs = 0 }.Validate()).Message);
        Assert.Contains("GanConfig.BatchSize", Assert.Throws<UserErrorException>(() => new GanConfig { BatchSize = 1 }.Validate()).Message);
        Assert.Contains("GanConfig.LearningRate", Assert.Throws<UserErrorException>(() => new GanConfig { LearningRate = double.NaN }.Validate()).Message);
        Assert.Contains("GanConfig.Diffusion", Assert.Throws<UserErrorException>(() => new GanConfig { Diffusion = -1 }.Validate()).Message);
    }
}
