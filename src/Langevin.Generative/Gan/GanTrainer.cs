using System.Diagnostics;
using System.Text.Json;
using Langevin.Data;
using Langevin.Generative.Evaluation;
using Langevin.Generative.Imaging;
using Langevin.IO;
using Langevin.Optim;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Torch;
using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Gan;

/// <summary>
/// Trains a DCGAN on 28×28 grayscale images with the non-saturating loss, both players updated by
/// <see cref="GanConfig.Optimizer"/>: Adam (the baseline) or Langevin dynamics (PSGLD, SGHMC; with
/// <see cref="GanConfig.GeneratorSamples"/> several generator chains, the Bayesian GAN's). After every epoch the
/// generator is scored by the separate judge classifier: FID in its feature space against the test set (with the
/// real-vs-real floor) and class coverage (mode collapse shows as a low coverage entropy). The run folder holds
/// <c>config.json</c>, <c>metrics.csv</c>, <c>samples/epoch-NNN.png</c> and <c>checkpoint.bin</c> (both players and
/// both optimizers after every epoch); every random draw is keyed in the seed tree, so a resumed run ends where an
/// uninterrupted one does.
/// </summary>
public sealed class GanTrainer : IDisposable
{
    private const string CheckpointMagic = "langevin-gan-checkpoint-v1";
    private readonly ImageDataset _train, _test;
    private readonly FashionClassifier _judge;
    private readonly DcGenerator[] _generators;
    private readonly DcDiscriminator _discriminator;
    private readonly OptimizerHelper[] _generatorOptimizers;
    private readonly OptimizerHelper _discriminatorOptimizer;
    private readonly List<GanEpoch> _epochs = [];
    private readonly RunFolder? _run;

    /// <summary>Sets up a run (resuming the checkpoint in <paramref name="runDirectory"/> with <paramref name="resume"/>).</summary>
    /// <exception cref="UserErrorException">A bad setting, a folder in use, a run there without <paramref name="resume"/>, or a damaged checkpoint.</exception>
    public GanTrainer(GanConfig config, ImageDataset trainingSet, ImageDataset testSet, FashionClassifier judge, string? runDirectory, bool resume = false)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(testSet);
        ArgumentNullException.ThrowIfNull(judge);
        string? savedConfig = runDirectory is null ? null : new RunFolder(runDirectory).Config;
        if (resume && File.Exists(savedConfig))
        {
            var saved = GanConfig.FromJson(File.ReadAllText(savedConfig), savedConfig);
            config = saved with { Epochs = Math.Max(saved.Epochs, config.Epochs), Threads = config.Threads };
        }
        config.Validate();
        if (trainingSet.ImageShape != (1, 28, 28) || testSet.ImageShape != (1, 28, 28))
            throw new UserErrorException($"the GAN is sized for 1×28×28 images such as Fashion-MNIST's; {trainingSet.Name} has {trainingSet.ImageShape}");
        if (testSet.Count < config.EvaluationImages)
            throw new UserErrorException($"{{GanConfig.EvaluationImages}} {config.EvaluationImages} is more than the {testSet.Count} test images");
        TorchRuntime.EnsureLoaded();
        Config = config;
        _train = config.TrainLimit > 0 ? trainingSet.Slice(0, Math.Min(config.TrainLimit, trainingSet.Count)) : trainingSet;
        _test = testSet;
        _judge = judge;
        // The first generator and the discriminator draw from one stream, further generator samples from their own.
        _generators = new DcGenerator[config.GeneratorSamples];
        using (var weights = new Generator(SeedTree.Key(config.Seed, -2)))
        {
            _generators[0] = new DcGenerator(config.LatentSize, weights);
            _discriminator = new DcDiscriminator(weights);
        }
        for (int j = 1; j < _generators.Length; j++)
        {
            using var weights = new Generator(SeedTree.Key(config.Seed, -2, j));
            _generators[j] = new DcGenerator(config.LatentSize, weights);
        }
        _generatorOptimizers = _generators.Select((g, j) => Optimizer(g.parameters(), config, j == 0 ? [0] : [0, j])).ToArray();
        _discriminatorOptimizer = Optimizer(_discriminator.parameters(), config, [1]);
        if (runDirectory is null) return;
        _run = new RunFolder(runDirectory);
        try
        {
            if (_run.OpenForTraining(resume, "{GanTrainer.resume}", "{GanTrainer.runDirectory}")) LoadCheckpoint();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The settings.</summary>
    public GanConfig Config { get; }

    /// <summary>Epochs done.</summary>
    public IReadOnlyList<GanEpoch> Epochs => _epochs;

    /// <summary>Trains the remaining epochs, scoring and checkpointing after each; returns every epoch's metrics.</summary>
    public IReadOnlyList<GanEpoch> Run(IEnumerable<Tracker<GanEpoch>>? trackers = null, CancellationToken cancellationToken = default)
    {
        // A run folder gets its TensorBoard curves as the other trainers' do.
        var all = new TrackerCollection<GanEpoch>(_run is null ? trackers : [.. trackers ?? [], new GanTensorBoardTracker(_run.File("tensorboard"))]);
        if (_run is not null) AtomicFile.WriteAllText(_run.Config, Config.ToJson());
        GanEpoch? last = _epochs.LastOrDefault();
        for (int epoch = _epochs.Count; epoch < Config.Epochs; epoch++)
        {
            last = TrainEpoch(epoch, cancellationToken);
            _epochs.Add(last);
            if (_run is not null) WriteRun(epoch);
            if (all.Handle(last, epoch + 1) == TrackerAction.Stop) break;
        }
        if (last is not null) all.Finalise(last, _epochs.Count);
        return _epochs;
    }

    /// <summary>Real-vs-real FID in the judge's feature space: the first <see cref="GanConfig.EvaluationImages"/> training images against as many test images.</summary>
    public double FidFloor()
    {
        using var scope = NewDisposeScope();
        var real = GenerationEvaluation.Features(_judge, _train, 0, Math.Min(Config.EvaluationImages, _train.Count));
        var test = GenerationEvaluation.Features(_judge, _test, 0, Config.EvaluationImages);
        return FrechetDistance.Compute(real, test);
    }

    /// <summary>
    /// Images in [0, 1] for the latent draws keyed (seed, −11), the same draws after every epoch; image i comes from
    /// generator sample i mod <see cref="GanConfig.GeneratorSamples"/>.
    /// </summary>
    public Tensor Sample(int count)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var latent = new Generator(SeedTree.Key(Config.Seed, -11));
        var z = randn([count, Config.LatentSize], generator: latent);
        var images = empty([count, 1, 28, 28]);
        for (int j = 0; j < _generators.Length && j < count; j++)
        {
            var rows = arange(j, count, _generators.Length, ScalarType.Int64);
            _generators[j].eval();
            images.index_copy_(0, rows, _generators[j].forward(z.index_select(0, rows)));
            _generators[j].train();
        }
        return images.add_(1).div_(2).clamp_(0, 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The discriminator's loss: binary cross-entropy of the real images' logits against 1, plus the mean over generator
    /// samples of their fakes' logits against 0 (the Bayesian GAN's discriminator conditions on every generator sample).
    /// </summary>
    public static Tensor DiscriminatorLoss(Tensor realLogits, IReadOnlyList<Tensor> fakeLogits)
    {
        ArgumentNullException.ThrowIfNull(realLogits);
        ArgumentNullException.ThrowIfNull(fakeLogits);
        if (fakeLogits.Count == 0) throw new ArgumentException("at least one generator sample's logits are needed", nameof(fakeLogits));
        using var scope = NewDisposeScope();
        var fake = nn.functional.binary_cross_entropy_with_logits(fakeLogits[0], zeros_like(fakeLogits[0]));
        for (int j = 1; j < fakeLogits.Count; j++)
            fake = fake.add(nn.functional.binary_cross_entropy_with_logits(fakeLogits[j], zeros_like(fakeLogits[j])));
        if (fakeLogits.Count > 1) fake = fake.div(fakeLogits.Count);
        return nn.functional.binary_cross_entropy_with_logits(realLogits, ones_like(realLogits)).add(fake).MoveToOuterDisposeScope();
    }

    private GanEpoch TrainEpoch(int epoch, CancellationToken cancellationToken)
    {
        foreach (var g in _generators) g.train();
        _discriminator.train();
        long n = _train.Count, batches = n / Config.BatchSize;
        using var order = tensor(CounterUniform.Permutation(SeedTree.Key(Config.Seed, -1, epoch), n));
        using var latent = new Generator(SeedTree.Key(Config.Seed, -10, epoch));
        double dSum = 0, gSum = 0;
        var clock = Stopwatch.StartNew();
        for (long b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            var index = order.narrow(0, b * Config.BatchSize, Config.BatchSize);
            var real = ImageDataset.ToFloat(_train.Images.index_select(0, index)).mul(2).sub(1);
            var ones = torch.ones(Config.BatchSize);

            // Each generator sample's fakes from its own latent draws, taken from the epoch's stream in turn.
            var fakes = _generators.Select(g => g.forward(randn([Config.BatchSize, Config.LatentSize], generator: latent))).ToArray();
            _discriminatorOptimizer.zero_grad();
            var dLoss = DiscriminatorLoss(_discriminator.forward(real), fakes.Select(f => _discriminator.forward(f.detach())).ToArray());
            dLoss.backward();
            _discriminatorOptimizer.step();

            // The generators' parameters are disjoint, so one backward of the summed losses gives each its own gradient.
            foreach (var optimizer in _generatorOptimizers) optimizer.zero_grad();
            var gLosses = fakes.Select(f => nn.functional.binary_cross_entropy_with_logits(_discriminator.forward(f), ones)).ToArray();
            var gLoss = gLosses.Length == 1 ? gLosses[0] : stack(gLosses).sum();
            gLoss.backward();
            foreach (var optimizer in _generatorOptimizers) optimizer.step();
            dSum += dLoss.item<float>();
            gSum += gLoss.item<float>() / gLosses.Length;
        }
        clock.Stop();
        var (fid, fractions) = Score();
        // Max with 0: one class alone gives −0.0, which would print as "-0.000".
        double entropy = Math.Max(0.0, -fractions.Where(f => f > 0).Sum(f => f * Math.Log(f)) / Math.Log(fractions.Length));
        return new GanEpoch(epoch + 1, dSum / batches, gSum / batches, fid, fractions, entropy, clock.Elapsed.TotalSeconds);
    }

    private (double Fid, double[] Fractions) Score()
    {
        using var scope = NewDisposeScope();
        var images = Sample(Config.EvaluationImages);
        var generated = GenerationEvaluation.Features(_judge, images);
        var test = GenerationEvaluation.Features(_judge, _test, 0, Config.EvaluationImages);
        var labels = _judge.Predict(images);
        var fractions = Enumerable.Range(0, FashionMnist.ClassNames.Count).Select(c => labels.Count(l => l == c) / (double)labels.Length).ToArray();
        return (FrechetDistance.Compute(generated, test), fractions);
    }

    private static OptimizerHelper Optimizer(IEnumerable<Parameter> parameters, GanConfig config, long[] player)
    {
        long seed = (long)SeedTree.Key(config.Seed, [-3, .. player]);
        return config.Optimizer switch
        {
            GanOptimizer.Adam => (OptimizerHelper)torch.optim.Adam(parameters, config.LearningRate, beta1: 0.5, beta2: 0.999),
            GanOptimizer.Psgld => new PSGLD(parameters, config.LearningRate, config.Diffusion, seed: seed),
            _ => new SGHMC(parameters, config.LearningRate, config.Momentum, config.Diffusion, seed: seed),
        };
    }

    private void WriteRun(int epoch)
    {
        var run = _run!;
        using (var grid = Sample(64))
        {
            Directory.CreateDirectory(run.File("samples"));
            ImageGrid.SaveGrid(run.File(Path.Combine("samples", $"epoch-{epoch + 1:D3}.png")), grid, columns: 8);
        }
        run.SaveCheckpoint(writer =>
        {
            writer.Write(CheckpointMagic);
            writer.Write(Config.ToJson());
            writer.Write(JsonSerializer.Serialize(_epochs));
            // One generator writes the layout of the single-generator checkpoints before GeneratorSamples existed.
            foreach (var g in _generators) g.save(writer);
            _discriminator.save(writer);
            foreach (var optimizer in _generatorOptimizers) optimizer.save_state_dict(writer);
            _discriminatorOptimizer.save_state_dict(writer);
        });
        AtomicFile.WriteAllText(run.Metrics, GanEpoch.CsvHeader + "\n" + string.Concat(_epochs.Select(e => e.ToCsv() + "\n")));
    }

    private void LoadCheckpoint() => _run!.LoadCheckpoint(reader =>
    {
        if (reader.ReadString() != CheckpointMagic) throw new FormatException("not a Langevin GAN checkpoint");
        var saved = GanConfig.FromJson(reader.ReadString(), "checkpoint");
        if (saved with { Epochs = Config.Epochs, Threads = Config.Threads } != Config)
            throw new UserErrorException("the checkpoint was written with another configuration than config.json; start a new run");
        _epochs.Clear();
        _epochs.AddRange(JsonSerializer.Deserialize<List<GanEpoch>>(reader.ReadString())!);
        foreach (var g in _generators) g.load(reader);
        _discriminator.load(reader);
        foreach (var optimizer in _generatorOptimizers) optimizer.load_state_dict(reader);
        _discriminatorOptimizer.load_state_dict(reader);
    }, "{GanTrainer.runDirectory}");

    /// <inheritdoc />
    public void Dispose()
    {
        _run?.Dispose();
        foreach (var optimizer in _generatorOptimizers) optimizer.Dispose();
        _discriminatorOptimizer.Dispose();
        foreach (var g in _generators) g.Dispose();
        _discriminator.Dispose();
        if (Config.TrainLimit > 0) // the slice's view handles; the caller owns the data
        {
            _train.Images.Dispose();
            _train.Labels.Dispose();
        }
    }
}
