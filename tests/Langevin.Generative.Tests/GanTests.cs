using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Gan;
using Langevin.Generative.Pipeline;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Generative.Tests;

/// <summary>The DCGAN: shapes, the losses at a known point, coverage, and a resumed run equal to an uninterrupted one.</summary>
public sealed class GanTests(GanTests.ShippedData data) : IClassFixture<GanTests.ShippedData>
{
    private readonly ShippedData _data = data;

    /// <summary>The shipped Fashion-MNIST and judge classifier, loaded once for the tests that train or sample.</summary>
    public sealed class ShippedData : IDisposable
    {
        public ShippedData()
        {
            // No thread count is set here: it is process-wide, and other tests in this assembly compare results across threads.
            Langevin.Torch.TorchRuntime.EnsureLoaded();
            string folder = Path.Combine(DatasetSearchPaths.FindShippedDataFolder(AppContext.BaseDirectory)!, "fashion-mnist");
            Train = FashionMnist.Load(folder, DatasetSplit.Train);
            Test = FashionMnist.Load(folder, DatasetSplit.Test);
            Judge = FashionClassifier.Load(ShippedModels.Find(ShippedModels.Classifier));
        }

        public ImageDataset Train { get; }
        public ImageDataset Test { get; }
        public FashionClassifier Judge { get; }

        public void Dispose()
        {
            Train.Dispose();
            Test.Dispose();
            Judge.Dispose();
        }
    }

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
    public void A_resumed_gan_run_ends_where_an_uninterrupted_one_does_for_adam_langevin_and_several_generators()
    {
        var (train, test, judge) = (_data.Train, _data.Test, _data.Judge);
        foreach (var (optimizer, generators) in new[] { (GanOptimizer.Adam, 1), (GanOptimizer.Sghmc, 1), (GanOptimizer.Sghmc, 3) })
        {
            var config = new GanConfig { Optimizer = optimizer, GeneratorSamples = generators, Epochs = 2, TrainLimit = 256, BatchSize = 32, EvaluationImages = 100, Seed = 5, Diffusion = 1e-4 };
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
        Assert.Contains("GanConfig.GeneratorSamples", Assert.Throws<UserErrorException>(() => new GanConfig { Optimizer = GanOptimizer.Sghmc, GeneratorSamples = 0 }.Validate()).Message);
        var adam = Assert.Throws<UserErrorException>(() => new GanConfig { GeneratorSamples = 2 }.Validate()).Message;
        Assert.Contains("GanConfig.GeneratorSamples", adam);
        Assert.Contains("GanConfig.Optimizer", adam);
    }

    [Fact]
    public void The_discriminator_loss_averages_the_generator_samples_fakes()
    {
        // BCE(x, 1) = ln(1 + e^−x), BCE(x, 0) = ln(1 + e^x), each the mean over the batch. Real logits (0, ln 3):
        // (ln 2 + ln 4/3)/2 = ln(8/3)/2. Fakes of sample 1 (0, 0): ln 2; of sample 2 (ln 3, −ln 3): (ln 4 + ln 4/3)/2 = ln(16/3)/2.
        using var scope = NewDisposeScope();
        double ln3 = Math.Log(3);
        var real = tensor(new[] { 0.0, ln3 });
        var fakes = new[] { tensor(new[] { 0.0, 0.0 }), tensor(new[] { ln3, -ln3 }) };
        double expected = Math.Log(8.0 / 3) / 2 + (Math.Log(2) + Math.Log(16.0 / 3) / 2) / 2;
        Assert.Equal(expected, GanTrainer.DiscriminatorLoss(real, fakes).item<double>(), 14);
        // One generator sample: the usual GAN loss, real plus fake.
        Assert.Equal(Math.Log(8.0 / 3) / 2 + Math.Log(2), GanTrainer.DiscriminatorLoss(real, fakes[..1]).item<double>(), 14);
    }

    [Fact]
    public void Several_generator_samples_share_the_images_in_turn()
    {
        // Before training, generator sample 0 has the single-generator run's weights (same stream), so with three samples
        // images 0, 3, 6… equal the single generator's, and the others come from the other two samples.
        var (train, test, judge) = (_data.Train, _data.Test, _data.Judge);
        var config = new GanConfig { Optimizer = GanOptimizer.Sghmc, TrainLimit = 64, BatchSize = 32, EvaluationImages = 20, Seed = 9 };
        using var one = new GanTrainer(config, train, test, judge, null);
        using var three = new GanTrainer(config with { GeneratorSamples = 3 }, train, test, judge, null);
        using var scope = NewDisposeScope();
        var single = one.Sample(9);
        var mixed = three.Sample(9);
        // Equal up to float rounding: the generators run on batches of 9 and 3 rows, which convolutions block differently.
        for (int i = 0; i < 9; i++)
        {
            double difference = single[i].sub(mixed[i]).abs().max().item<float>();
            if (i % 3 == 0) Assert.True(difference < 1e-5, $"image {i} differs from the single generator's by {difference}");
            else Assert.True(difference > 1e-2, $"image {i} is the single generator's (difference {difference})");
        }
    }
}
