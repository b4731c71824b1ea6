using System.Diagnostics;
using Langevin.Generative.Models;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Schedules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Phase 2 of a diffusion run: the text encoder and UNet on ε-prediction, on the frozen autoencoder's scaled latents,
/// with caption dropout, AdamW on a warm-up + cosine schedule, and EMA copies of both networks. Each epoch's random
/// streams are keyed by the epoch, so a run resumed at an epoch boundary draws what an uninterrupted run would.
/// </summary>
internal sealed class DenoiserPhase : TrainingPhase
{
    private readonly LatentDiffusionModel _model;
    private readonly Ema _emaText, _emaUNet;
    private readonly AdamW _optimizer;
    private readonly List<Parameter> _parameters;
    private readonly CaptionedImages _data;
    private readonly DiffusionTrainingOptions _options;
    private readonly ulong _batchesKey, _captionsKey;
    private readonly Stopwatch _clock = new();
    private double _seconds;
    private Tensor? _latents, _tokenTable;
    private int[] _groupStart = [];
    private int _emptyCaption;
    private DdpmScheduler? _forward;
    private Generator? _generator;
    private Tensor? _permutation;
    private long[] _order = [];
    private ulong _captionKey;

    /// <summary>Trains <paramref name="model"/>'s text encoder and UNet, resuming after <paramref name="step"/> steps.</summary>
    /// <param name="model">The model; its autoencoder is frozen.</param>
    /// <param name="emaText">The EMA of the text encoder.</param>
    /// <param name="emaUNet">The EMA of the UNet.</param>
    /// <param name="optimizer">AdamW over the text encoder's, then the UNet's parameters.</param>
    /// <param name="data">The captioned training images.</param>
    /// <param name="options">The run's settings.</param>
    /// <param name="batchesKey">Seed-tree key below which epoch e's generator (order, timesteps, noise) is keyed.</param>
    /// <param name="captionsKey">Seed-tree key below which epoch e's caption choices are keyed.</param>
    /// <param name="step">Optimiser steps already taken (0 for a new run).</param>
    /// <param name="seconds">Training seconds already spent (0 for a new run).</param>
    /// <param name="kept">Says what a divergence leaves behind, for its message.</param>
    public DenoiserPhase(LatentDiffusionModel model, Ema emaText, Ema emaUNet, AdamW optimizer, CaptionedImages data, DiffusionTrainingOptions options,
        ulong batchesKey, ulong captionsKey, long step, double seconds, Func<string> kept)
        : base(DiffusionPhase.Diffusion, options.Epochs, data.Count / options.BatchSize, options.OnDivergence, kept)
    {
        _model = model;
        _emaText = emaText;
        _emaUNet = emaUNet;
        _optimizer = optimizer;
        _parameters = model.TextEncoder.parameters().Concat(model.UNet.parameters()).ToList();
        _data = data;
        _options = options;
        _batchesKey = batchesKey;
        _captionsKey = captionsKey;
        Step = step;
        _seconds = seconds;
    }

    /// <summary>Encodes every image once, tokenises every caption once, and starts the clock.</summary>
    protected override void Prepare()
    {
        var config = _model.Config;
        _latents = EncodeAll();
        // Every caption once, plus the empty caption last (the unconditional / dropped caption).
        var captionList = _data.CaptionGroups.SelectMany(g => g).Append("").ToList();
        _groupStart = new int[_data.CaptionGroups.Count];
        for (int g = 1; g < _groupStart.Length; g++) _groupStart[g] = _groupStart[g - 1] + _data.CaptionGroups[g - 1].Count;
        _emptyCaption = captionList.Count - 1;
        _tokenTable = tensor(_model.Tokenizer.EncodeBatch(captionList), [captionList.Count, config.MaxTokens], ScalarType.Int64);
        _forward = new DdpmScheduler(NoiseSchedule.Parse(config.Schedule, config.TrainSteps));
        _clock.Start();
    }

    /// <inheritdoc />
    protected override void BeginEpoch(int epoch)
    {
        _generator = new Generator(SeedTree.Child(_batchesKey, epoch));
        _captionKey = SeedTree.Child(_captionsKey, epoch);
        _permutation = randperm(_data.Count, generator: _generator);
        _order = _permutation.data<long>().ToArray();
        _model.TextEncoder.train();
        _model.UNet.train();
    }

    /// <inheritdoc />
    protected override void EndEpoch()
    {
        _permutation?.Dispose();
        _generator?.Dispose();
        (_permutation, _generator) = (null, null);
    }

    /// <inheritdoc />
    protected override (double Loss, bool Taken) TrainBatch(int epoch, long batch)
    {
        using var scope = NewDisposeScope();
        int size = _options.BatchSize;
        var captionIds = new long[size];
        for (int i = 0; i < size; i++)
        {
            // Two uniforms per batch position of the epoch: drop the caption or not, and which of the image's captions.
            long position = batch * size + i;
            int group = (int)_data.GroupOfImage[_order[position]];
            int count = _data.CaptionGroups[group].Count;
            captionIds[i] = CounterUniform.Double(_captionKey, 2 * position) < _options.CaptionDropout
                ? _emptyCaption
                : _groupStart[group] + Math.Min(count - 1, (int)(CounterUniform.Double(_captionKey, 2 * position + 1) * count));
        }
        var x0 = _latents!.index_select(0, _permutation!.narrow(0, batch * size, size));
        var tokens = _tokenTable!.index_select(0, tensor(captionIds));
        var timesteps = randint(0, _model.Config.TrainSteps, [size], generator: _generator);
        var noise = randn(x0.shape, generator: _generator);
        var xt = _forward!.AddNoise(x0, noise, timesteps);
        var predicted = _model.UNet.forward(xt, timesteps, _model.TextEncoder.forward(tokens));
        var loss = nn.functional.mse_loss(predicted, noise);
        foreach (var group in _optimizer.ParamGroups) group.LearningRate = LearningRate(Step);
        _optimizer.zero_grad();
        loss.backward();
        double value = loss.item<float>();
        if (!StepIfFinite(_optimizer, _parameters, 1.0, value, epoch, batch)) return (value, false);
        Step++;
        _emaText.Update(Step);
        _emaUNet.Update(Step);
        return (value, true);
    }

    /// <inheritdoc />
    protected override DiffusionEpochMetrics Row(int epoch, double meanLoss, long skipped)
    {
        _seconds += _clock.Elapsed.TotalSeconds;
        _clock.Restart();
        return new DiffusionEpochMetrics(DiffusionPhase.Diffusion, epoch, Step, meanLoss, LearningRate(Step), _seconds, skipped);
    }

    /// <summary>Releases the latents and token table.</summary>
    public void Release()
    {
        _latents?.Dispose();
        _tokenTable?.Dispose();
    }

    /// <summary>Linear warm-up, then cosine decay to a tenth of the peak at the last step.</summary>
    private double LearningRate(long step)
    {
        long totalSteps = Batches * Epochs;
        if (step < _options.WarmupSteps) return _options.LearningRate * (step + 1) / _options.WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - _options.WarmupSteps) / Math.Max(1, totalSteps - _options.WarmupSteps));
        return _options.LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    /// <summary>The scaled latents of every training image, encoded once (the autoencoder is frozen).</summary>
    private Tensor EncodeAll()
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < _data.Count; start += 1000)
        {
            long length = Math.Min(1000, _data.Count - start);
            using var images = Data.ImageDataset.ToFloat(_data.Images.narrow(0, start, length));
            parts.Add(_model.EncodeImages(images));
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }
}
