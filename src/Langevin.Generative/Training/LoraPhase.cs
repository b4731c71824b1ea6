using System.Diagnostics;
using Langevin.Data;
using Langevin.Generative.Schedulers;
using Langevin.Generative.StableDiffusion;
using Langevin.Randomness;
using Langevin.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// The steps of <see cref="LoraTrainer"/>: Stable Diffusion's training objective on the frozen model with the LoRA's
/// adapters trainable. Each step draws its images' VAE latents (mean + σ·z, × the VAE's scaling factor), one caption per
/// image, the noise and the timesteps from a generator keyed by (epoch, batch) in the run's seed tree, so a resumed run
/// draws exactly what an uninterrupted one would; the loss is the MSE to ε, or to v for v-prediction models. The text
/// encoder runs with gradients only when its adapters train.
/// </summary>
internal sealed class LoraPhase : TrainingPhase
{
    /// <summary>The run's random streams, each a branch of the seed tree.</summary>
    internal enum RandomStream
    {
        AdapterWeights,
        ImageOrder,
        Steps,
    }

    private const double MaxGradientNorm = 1.0;
    private readonly StableDiffusionModel _model;
    private readonly LoraNetwork _network;
    private readonly OptimizerHelper _optimizer;
    private readonly CaptionedImages _data;
    private readonly LoraTrainingOptions _options;
    private readonly double _previousSeconds;
    private readonly Stopwatch _clock = new();
    private Tensor? _mean;
    private Tensor? _logVariance;
    private Tensor? _alphaBars;
    private Tensor? _order;

    public LoraPhase(StableDiffusionModel model, LoraNetwork network, OptimizerHelper optimizer, CaptionedImages data,
        LoraTrainingOptions options, int epochs, long stepsPerEpoch, long step, double seconds, Func<string> kept)
        : base(DiffusionPhase.Diffusion, epochs, stepsPerEpoch, DivergencePolicy.SkipStep, kept)
    {
        _model = model;
        _network = network;
        _optimizer = optimizer;
        _data = data;
        _options = options;
        _previousSeconds = seconds;
        Step = step;
    }

    /// <summary>Encodes every image once (the VAE is frozen, so its latent distributions never change) and reads ᾱ.</summary>
    protected override void Prepare()
    {
        _clock.Start();
        using var noGrad = no_grad();
        var means = new List<Tensor>();
        var logVariances = new List<Tensor>();
        // A few images at a time: the VAE's activations at 512² are large.
        const int Chunk = 4;
        for (long start = 0; start < _data.Count; start += Chunk)
        {
            using var scope = NewDisposeScope();
            var pixels = ImageDataset.ToFloat(_data.Images.narrow(0, start, Math.Min(Chunk, _data.Count - start))) * 2 - 1;
            using var distribution = _model.Vae.Encode(pixels);
            means.Add(distribution.Mean.clone().MoveToOuterDisposeScope());
            logVariances.Add(distribution.LogVariance.clone().MoveToOuterDisposeScope());
        }
        _mean = cat(means, 0);
        _logVariance = cat(logVariances, 0);
        foreach (var t in means.Concat(logVariances)) t.Dispose();
        var schedule = new StableDiffusionPipeline(_model).CreateScheduler(null).Schedule;
        // ᾱ in float32, as diffusers keeps alphas_cumprod.
        _alphaBars = tensor(schedule.AlphaBars().Select(a => (float)a).ToArray());
    }

    protected override void BeginEpoch(int epoch)
    {
        using var generator = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.ImageOrder, epoch));
        _order = randperm(_data.Count, generator: generator);
    }

    protected override void EndEpoch()
    {
        _order?.Dispose();
        _order = null;
    }

    protected override (double Loss, bool Taken) TrainBatch(int epoch, long batch)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.Steps, epoch, batch));
        int size = _options.BatchSize;
        var images = _order!.narrow(0, batch * size, size);
        var mean = _mean!.index_select(0, images);
        var std = (_logVariance!.index_select(0, images) * 0.5).exp();
        var latents = (mean + std * randn(mean.shape, generator: generator)) * _model.Vae.Config.ScalingFactor;
        var context = EncodeCaptions(images.data<long>().ToArray(), generator);
        var noise = randn(latents.shape, generator: generator);
        var timesteps = randint(_alphaBars!.shape[0], [size], generator: generator);
        var alphaBar = _alphaBars.index_select(0, timesteps).view(-1, 1, 1, 1);
        var noisy = alphaBar.sqrt() * latents + (1 - alphaBar).sqrt() * noise;
        var target = _model.Prediction == PredictionType.VPrediction ? alphaBar.sqrt() * noise - (1 - alphaBar).sqrt() * latents : noise;
        var prediction = _model.UNet.Forward(noisy, timesteps, context);
        var loss = nn.functional.mse_loss(prediction, target);
        _optimizer.zero_grad();
        loss.backward();
        double value = loss.item<float>();
        bool taken = StepIfFinite(_optimizer, _network.Parameters(), MaxGradientNorm, value, epoch, batch);
        if (taken) Step++;
        return (value, taken);
    }

    /// <summary>The text encoder's states of one caption per image, each drawn from the image's captions (with gradients when its adapters train).</summary>
    private Tensor EncodeCaptions(long[] images, Generator generator)
    {
        using IDisposable? noGrad = _network.TrainsTextEncoder ? null : no_grad();
        using var scope = NewDisposeScope();
        var states = new List<Tensor>();
        foreach (long image in images)
        {
            var captions = _data.CaptionGroups[(int)_data.GroupOfImage[image]];
            long pick = randint(captions.Count, [1], generator: generator).item<long>();
            var ids = _model.Tokenizer.Encode(captions[(int)pick], parseWeights: false).InputIds;
            states.Add(_model.TextEncoder.Forward(tensor(ids).unsqueeze(0)));
        }
        return cat(states, 0).MoveToOuterDisposeScope();
    }

    protected override DiffusionEpochMetrics Row(int epoch, double meanLoss, long skipped) =>
        new(DiffusionPhase.Diffusion, epoch, Step, meanLoss, _options.LearningRate, _previousSeconds + _clock.Elapsed.TotalSeconds, skipped);

    /// <summary>Releases the cached latents.</summary>
    public void Release()
    {
        _mean?.Dispose();
        _logVariance?.Dispose();
        _alphaBars?.Dispose();
        _order?.Dispose();
    }
}
