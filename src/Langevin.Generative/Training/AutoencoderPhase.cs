using System.Diagnostics;
using Langevin.Generative.Models;
using Langevin.Runs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Phase 1 of a diffusion run: the KL autoencoder on reconstruction (BCE) + KL, Adam. The batches and the
/// reparameterisation noise come from one generator of the run's seed tree.
/// </summary>
internal sealed class AutoencoderPhase : TrainingPhase
{
    private readonly Autoencoder _autoencoder;
    private readonly CaptionedImages _data;
    private readonly DiffusionTrainingOptions _options;
    private readonly Generator _generator;
    private readonly OptimizerHelper _optimizer;
    private readonly Stopwatch _clock = new();
    private Tensor? _permutation;

    /// <summary>Trains <paramref name="autoencoder"/> on <paramref name="data"/>, drawing from <paramref name="generator"/>.</summary>
    public AutoencoderPhase(Autoencoder autoencoder, CaptionedImages data, DiffusionTrainingOptions options, Generator generator, OptimizerHelper optimizer, Func<string> kept)
        : base(DiffusionPhase.Autoencoder, options.AutoencoderEpochs, data.Count / options.BatchSize, options.OnDivergence, kept)
    {
        _autoencoder = autoencoder;
        _data = data;
        _options = options;
        _generator = generator;
        _optimizer = optimizer;
    }

    /// <inheritdoc />
    protected override void Prepare()
    {
        _autoencoder.train();
        _clock.Start();
    }

    /// <inheritdoc />
    protected override void BeginEpoch(int epoch) => _permutation = randperm(_data.Count, generator: _generator);

    /// <inheritdoc />
    protected override void EndEpoch()
    {
        _permutation?.Dispose();
        _permutation = null;
    }

    /// <inheritdoc />
    protected override (double Loss, bool Taken) TrainBatch(int epoch, long batch)
    {
        using var scope = NewDisposeScope();
        int size = _options.BatchSize;
        var images = Data.ImageDataset.ToFloat(_data.Images.index_select(0, _permutation!.narrow(0, batch * size, size)));
        var (mean, logVariance) = _autoencoder.Encode(images);
        var z = mean + (0.5 * logVariance).exp() * randn(mean.shape, generator: _generator);
        var logits = _autoencoder.DecodeLogits(z);
        // BCE with logits written out (softplus(l) − y·l): TorchSharp 0.107's binary_cross_entropy_with_logits
        // returns NaN gradients for targets that are exactly 0 or 1 (most Fashion-MNIST pixels).
        var reconstruction = (nn.functional.softplus(logits) - images * logits).mean();
        var kl = (0.5 * (mean.pow(2) + logVariance.exp() - 1 - logVariance)).mean();
        var loss = reconstruction + kl * _options.KlWeight;
        _optimizer.zero_grad();
        loss.backward();
        double value = loss.item<float>();
        bool taken = StepIfFinite(_optimizer, _autoencoder.parameters(), 10.0, value, epoch, batch);
        if (taken) Step++;
        return (value, taken);
    }

    /// <inheritdoc />
    protected override DiffusionEpochMetrics Row(int epoch, double meanLoss, long skipped) =>
        new(DiffusionPhase.Autoencoder, epoch, Step, meanLoss, _options.AutoencoderLearningRate, _clock.Elapsed.TotalSeconds, skipped);
}
