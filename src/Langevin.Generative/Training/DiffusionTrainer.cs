using System.Diagnostics;
using System.Globalization;
using Langevin.Generative.Imaging;
using Langevin.Generative.Models;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Generative.Text;
using Langevin.IO;
using Langevin.Randomness;
using Langevin.Schedules;
using Langevin.Torch;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>One unit of training progress: steps done since the last report and a short status.</summary>
/// <param name="Steps">Optimiser steps completed since the previous report.</param>
/// <param name="Status">Short status, e.g. "epoch 2/6 loss 0.0912".</param>
public readonly record struct TrainingStep(long Steps, string Status);

/// <summary>
/// Trains a latent diffusion model into a run folder, in two phases:
/// (1) the autoencoder (then frozen; the latent scale is measured on the training set),
/// (2) the text encoder and UNet on ε-prediction with caption dropout, EMA weights.
/// The run folder holds <c>config.json</c>, <c>autoencoder.bin</c>, <c>checkpoint.bin</c> (atomic, written
/// after every epoch; <c>resume</c> continues from it), <c>metrics.csv</c>, TensorBoard event files in
/// <c>tensorboard/</c> (per-epoch loss and learning rate, and the loss every <see cref="StepLogInterval"/>
/// steps), <c>samples/epoch-NNN.png</c> and <c>model/</c> (the EMA model, loadable by <see cref="LatentDiffusionModel.Load"/>).
/// </summary>
public sealed class DiffusionTrainer
{
    /// <summary>Optimiser steps between two per-step loss points in TensorBoard.</summary>
    public const int StepLogInterval = 20;

    /// <summary>The branches of the run's seed tree: each random stream of the run is keyed below one of them.</summary>
    private enum RandomStream
    {
        AutoencoderWeights,
        AutoencoderBatches,
        DiffusionWeights,
        DiffusionBatches,
        Captions,
    }

    private const string CheckpointMagic = "langevin-ldm-checkpoint-v1";
    private readonly string _run;
    private readonly DiffusionTrainingOptions _options;
    private readonly CaptionedImages _data;
    private readonly bool _resume;
    private SummaryWriter? _events;

    /// <summary>Prepares a run in <paramref name="runFolder"/>; with <paramref name="resume"/> it continues a previous one.</summary>
    /// <exception cref="UserErrorException">The folder already holds a run and <paramref name="resume"/> is false.</exception>
    public DiffusionTrainer(string runFolder, DiffusionTrainingOptions options, CaptionedImages data, bool resume)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        _run = Path.GetFullPath(runFolder);
        _options = options;
        _data = data;
        _resume = resume;
        if (data.Count < 2) throw new UserErrorException($"{data.Count} image(s) are too few to train on; give at least 2 (and at least {{DiffusionTrainingOptions.BatchSize}})");
        if (data.Count < options.BatchSize)
            throw new UserErrorException($"{data.Count} images are fewer than {{DiffusionTrainingOptions.BatchSize}} {options.BatchSize}; lower {{DiffusionTrainingOptions.BatchSize}} to at most {data.Count}");
        if (!resume && (File.Exists(ConfigPath) || File.Exists(CheckpointPath)))
            throw new UserErrorException($"{_run} already holds a training run; pass {{DiffusionTrainer.resume}} to continue it or choose a new {{DiffusionTrainer.runFolder}} folder");
        if (resume && !File.Exists(ConfigPath) && !File.Exists(AutoencoderPath) && !File.Exists(CheckpointPath))
            throw new UserErrorException($"{{DiffusionTrainer.resume}}: {_run} holds no run to continue (no config.json, autoencoder.bin or checkpoint.bin); start the run without {{DiffusionTrainer.resume}}");
        if (resume && File.Exists(ConfigPath)) CheckDataMatchesRun();
        Directory.CreateDirectory(_run);
    }

    /// <summary>A resumed run must see images of the shape it was started with, or its autoencoder cannot read them.</summary>
    private void CheckDataMatchesRun()
    {
        var saved = LatentDiffusionConfig.FromJson(File.ReadAllText(ConfigPath), ConfigPath);
        long channels = _data.Images.shape[1], size = _data.Images.shape[2];
        if (saved.ImageChannels != channels || saved.ImageSize != size)
            throw new UserErrorException(
                $"{_run} was trained on {saved.ImageChannels}×{saved.ImageSize}×{saved.ImageSize} images, not {channels}×{size}×{size}; " +
                $"resume with {{CaptionedImages.channels}} {saved.ImageChannels} {{CaptionedImages.size}} {saved.ImageSize} or choose a new {{DiffusionTrainer.runFolder}} folder");
    }

    /// <summary>The EMA model folder, refreshed after every epoch.</summary>
    public string ModelFolder => Path.Combine(_run, "model");

    /// <summary>Steps per epoch (the last partial batch is dropped).</summary>
    public long StepsPerEpoch => _data.Count / _options.BatchSize;

    /// <summary>True when the autoencoder phase is already done (a resumed run skips it).</summary>
    public bool AutoencoderDone => _resume && File.Exists(ConfigPath) && File.Exists(AutoencoderPath);

    /// <summary>Epochs of the diffusion phase already in the checkpoint.</summary>
    public int DiffusionEpochsDone => _resume && File.Exists(CheckpointPath) ? ReadCheckpointHeader(CheckpointPath).Epoch : 0;

    private string ConfigPath => Path.Combine(_run, "config.json");
    private string AutoencoderPath => Path.Combine(_run, "autoencoder.bin");
    private string CheckpointPath => Path.Combine(_run, "checkpoint.bin");
    private string MetricsPath => Path.Combine(_run, "metrics.csv");

    /// <summary>
    /// Phase 1: trains the autoencoder (reconstruction BCE + KL), measures the latent scale, writes
    /// <c>autoencoder.bin</c> and <c>config.json</c>. Skipped when a resumed run already has them.
    /// </summary>
    public void TrainAutoencoder(IProgress<TrainingStep> progress, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        if (AutoencoderDone) return;
        // A run killed during this phase kept rows of epochs whose weights were never saved: the phase starts over.
        KeepMetrics(_ => false);
        var tokenizer = WordTokenizer.FromTexts(_data.AllCaptions, _options.Model.MaxTokens);
        var config = _options.Model with { Vocabulary = tokenizer.Vocabulary.Skip(WordTokenizer.SpecialTokens.Count).ToList() };
        // Two generators from the run's seed tree: one for the weights, one for the batches and the reparameterisation noise.
        using var initial = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.AutoencoderWeights));
        using var autoencoder = Autoencoder.Create(config, initial);
        using var generator = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.AutoencoderBatches));
        using var optimizer = optim.Adam(autoencoder.parameters(), _options.AutoencoderLearningRate);
        int batch = _options.BatchSize;
        long n = _data.Count, stepsPerEpoch = n / batch, step = 0;
        var clock = Stopwatch.StartNew();
        autoencoder.train();
        for (int epoch = 0; epoch < _options.AutoencoderEpochs; epoch++)
        {
            using var permutation = randperm(n, generator: generator);
            double lossSum = 0;
            for (long b = 0; b < stepsPerEpoch; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var images = Data.ImageDataset.ToFloat(_data.Images.index_select(0, permutation.narrow(0, b * batch, batch)));
                var (mean, logVariance) = autoencoder.Encode(images);
                var z = mean + (0.5 * logVariance).exp() * randn(mean.shape, generator: generator);
                var logits = autoencoder.DecodeLogits(z);
                // BCE with logits written out (softplus(l) − y·l): TorchSharp 0.107's binary_cross_entropy_with_logits
                // returns NaN gradients for targets that are exactly 0 or 1 (most Fashion-MNIST pixels).
                var reconstruction = (nn.functional.softplus(logits) - images * logits).mean();
                var kl = (0.5 * (mean.pow(2) + logVariance.exp() - 1 - logVariance)).mean();
                var loss = reconstruction + kl * _options.KlWeight;
                optimizer.zero_grad();
                loss.backward();
                double value = loss.item<float>();
                if (!StepIfFinite(optimizer, autoencoder.parameters(), 10.0, value)) continue;
                lossSum += value;
                step++;
                if (step % StepLogInterval == 0) Events.add_scalar("autoencoder/step_loss", (float)value, (int)step);
                progress.Report(new TrainingStep(1, $"autoencoder epoch {epoch + 1}/{_options.AutoencoderEpochs} loss {value:F4}"));
            }
            AppendMetrics("autoencoder", epoch + 1, step, lossSum / Math.Max(1, step - epoch * stepsPerEpoch), _options.AutoencoderLearningRate, clock.Elapsed.TotalSeconds);
        }

        autoencoder.eval();
        double std = LatentStd(autoencoder);
        config = config with { LatentScale = 1.0 / std };
        AtomicFile.Write(AutoencoderPath, s => autoencoder.SaveTo(s));
        AtomicFile.WriteAllText(ConfigPath, config.ToJson());
    }

    /// <summary>
    /// Phase 2: trains the text encoder and UNet on the frozen autoencoder's scaled latents, for the
    /// remaining epochs. After each epoch: checkpoint, metrics line, EMA model export, sample grid.
    /// </summary>
    public void TrainDiffusion(IProgress<TrainingStep> progress, Action<string> log, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        if (!File.Exists(ConfigPath) || !File.Exists(AutoencoderPath))
            throw new InvalidOperationException("train the autoencoder first");
        var config = LatentDiffusionConfig.FromJson(File.ReadAllText(ConfigPath), ConfigPath);
        using var initial = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.DiffusionWeights));
        using var model = LatentDiffusionModel.Create(config, initial);
        model.Autoencoder.load(AutoencoderPath);
        model.Autoencoder.eval();
        using var emaText = TextEncoder.Create(config, initial); // overwritten by Ema.Reset
        using var emaUNet = UNet.Create(config, initial);
        var emaT = new Ema(model.TextEncoder, emaText, _options.EmaDecay);
        var emaU = new Ema(model.UNet, emaUNet, _options.EmaDecay);
        emaT.Reset();
        emaU.Reset();
        var parameters = model.TextEncoder.parameters().Concat(model.UNet.parameters()).ToList();
        using var optimizer = optim.AdamW(parameters, _options.LearningRate, weight_decay: 0.0);

        int startEpoch = 0;
        long step = 0;
        double trainedSeconds = 0;
        if (_resume && File.Exists(CheckpointPath))
        {
            (startEpoch, step, trainedSeconds) = LoadCheckpoint(model, emaText, emaUNet, optimizer);
            log($"resumed from {CheckpointPath}: {startEpoch} epochs, {step} steps done");
        }
        // Rows of diffusion epochs after the checkpoint were written by a run killed before it saved them: they are redone.
        int checkpointed = startEpoch;
        KeepMetrics(row => row.Phase != "diffusion" || row.Epoch <= checkpointed);
        if (startEpoch >= _options.Epochs)
        {
            log($"nothing to do: {startEpoch} of {_options.Epochs} epochs already trained");
            return;
        }

        log("encoding the training images to latents");
        using var latents = EncodeAll(model);
        var tokenizer = model.Tokenizer;
        // Every caption once, plus the empty caption last (the unconditional / dropped caption).
        var captionList = _data.CaptionGroups.SelectMany(g => g).Append("").ToList();
        var groupStart = new int[_data.CaptionGroups.Count];
        for (int g = 1; g < groupStart.Length; g++) groupStart[g] = groupStart[g - 1] + _data.CaptionGroups[g - 1].Count;
        int emptyCaption = captionList.Count - 1;
        using var tokenTable = tensor(tokenizer.EncodeBatch(captionList), [captionList.Count, config.MaxTokens], ScalarType.Int64);

        var schedule = NoiseSchedule.Parse(config.Schedule, config.TrainSteps);
        var forward = new DdpmScheduler(schedule);
        int batch = _options.BatchSize;
        long n = _data.Count, stepsPerEpoch = StepsPerEpoch, totalSteps = stepsPerEpoch * _options.Epochs;
        var clock = Stopwatch.StartNew();
        for (int epoch = startEpoch; epoch < _options.Epochs; epoch++)
        {
            // Keyed by the epoch, so a run resumed at an epoch boundary draws what an uninterrupted run would.
            using var generator = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.DiffusionBatches, epoch));
            ulong captionKey = SeedTree.Key(_options.Seed, (long)RandomStream.Captions, epoch);
            using var permutation = randperm(n, generator: generator);
            long[] order = permutation.data<long>().ToArray();
            model.TextEncoder.train();
            model.UNet.train();
            double lossSum = 0;
            long skipped = 0;
            for (long b = 0; b < stepsPerEpoch; b++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var captionIds = new long[batch];
                for (int i = 0; i < batch; i++)
                {
                    // Two uniforms per batch position of the epoch: drop the caption or not, and which of the image's captions.
                    long position = b * batch + i;
                    int group = (int)_data.GroupOfImage[order[position]];
                    int count = _data.CaptionGroups[group].Count;
                    captionIds[i] = CounterUniform.Double(captionKey, 2 * position) < _options.CaptionDropout
                        ? emptyCaption
                        : groupStart[group] + Math.Min(count - 1, (int)(CounterUniform.Double(captionKey, 2 * position + 1) * count));
                }
                var index = permutation.narrow(0, b * batch, batch);
                var x0 = latents.index_select(0, index);
                var tokens = tokenTable.index_select(0, tensor(captionIds));
                var t = randint(0, config.TrainSteps, [batch], generator: generator);
                var noise = randn(x0.shape, generator: generator);
                var xt = forward.AddNoise(x0, noise, t);
                var predicted = model.UNet.forward(xt, t, model.TextEncoder.forward(tokens));
                var loss = nn.functional.mse_loss(predicted, noise);
                double lr = LearningRate(step, totalSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
                optimizer.zero_grad();
                loss.backward();
                double value = loss.item<float>();
                if (!StepIfFinite(optimizer, parameters, 1.0, value))
                {
                    skipped++;
                    continue;
                }
                step++;
                emaT.Update(step);
                emaU.Update(step);
                lossSum += value;
                if (step % StepLogInterval == 0) Events.add_scalar("diffusion/step_loss", (float)value, (int)step);
                progress.Report(new TrainingStep(1, $"epoch {epoch + 1}/{_options.Epochs} loss {value:F4}"));
            }

            trainedSeconds += clock.Elapsed.TotalSeconds;
            clock.Restart();
            double meanLoss = lossSum / Math.Max(1, stepsPerEpoch - skipped);
            if (skipped > 0) log($"epoch {epoch + 1}: skipped {skipped} steps with non-finite gradients");
            if (skipped == stepsPerEpoch) throw new UserErrorException("every step of the epoch had non-finite gradients (diverged); lower {DiffusionTrainingOptions.LearningRate} and start a new run");
            AppendMetrics("diffusion", epoch + 1, step, meanLoss, LearningRate(step, totalSteps), trainedSeconds);
            SaveCheckpoint(epoch + 1, step, trainedSeconds, model, emaText, emaUNet, optimizer);
            using (var shipped = new LatentDiffusionModel(config, TextEncoder.Create(config, initial), UNet.Create(config, initial), Autoencoder.Create(config, initial)))
            {
                CopyWeights(emaText, shipped.TextEncoder);
                CopyWeights(emaUNet, shipped.UNet);
                CopyWeights(model.Autoencoder, shipped.Autoencoder);
                shipped.Eval();
                shipped.Save(ModelFolder);
                string grid = Path.Combine(_run, "samples", $"epoch-{epoch + 1:D3}.png");
                SampleGrid(shipped, grid);
                log($"epoch {epoch + 1}/{_options.Epochs}: loss {meanLoss:F4}, {trainedSeconds:F0} s trained; wrote {ModelFolder} and {grid}");
            }
        }
    }

    /// <summary>The 10×8 style grid: one row per grid prompt, columns of seeds, DDIM at guidance 3.</summary>
    private void SampleGrid(LatentDiffusionModel model, string path)
    {
        var prompts = _data.GridPrompts.SelectMany(p => Enumerable.Repeat(p, _options.GridColumns)).ToList();
        var options = new GenerationOptions { Steps = _options.GridSteps, Guidance = 3, Seed = _options.Seed };
        using var images = TextToImage.Generate(model, prompts, options);
        ImageGrid.SaveGrid(path, images, _options.GridColumns, padding: 2, scale: 2);
    }

    /// <summary>
    /// Clips the gradient norm and steps, unless the loss or a gradient is not finite: then the step is
    /// skipped. libtorch 2.10 on this 2-core box occasionally returned NaN gradients from multi-threaded
    /// conv backward passes (not reproducible with 1 thread); one bad batch must not poison the weights.
    /// </summary>
    private static bool StepIfFinite(OptimizerHelper optimizer, IEnumerable<Parameter> parameters, double maxNorm, double loss)
    {
        double norm = nn.utils.clip_grad_norm_(parameters, maxNorm);
        if (!double.IsFinite(loss) || !double.IsFinite(norm))
        {
            optimizer.zero_grad();
            return false;
        }
        optimizer.step();
        return true;
    }

    private double LearningRate(long step, long totalSteps)
    {
        if (step < _options.WarmupSteps) return _options.LearningRate * (step + 1) / _options.WarmupSteps;
        double progress = Math.Min(1.0, (double)(step - _options.WarmupSteps) / Math.Max(1, totalSteps - _options.WarmupSteps));
        // Cosine decay to a tenth of the peak.
        return _options.LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * progress)));
    }

    private double LatentStd(Autoencoder autoencoder)
    {
        using var _ = no_grad();
        double sum = 0, sumSquares = 0;
        long count = 0;
        long n = Math.Min(_data.Count, 10_000);
        for (long start = 0; start < n; start += 1000)
        {
            using var scope = NewDisposeScope();
            long length = Math.Min(1000, n - start);
            var (mean, _) = autoencoder.Encode(Data.ImageDataset.ToFloat(_data.Images.narrow(0, start, length)));
            sum += mean.sum().item<float>();
            sumSquares += mean.pow(2).sum().item<float>();
            count += mean.numel();
        }
        double m = sum / count;
        return Math.Sqrt(Math.Max(sumSquares / count - m * m, 1e-12));
    }

    private Tensor EncodeAll(LatentDiffusionModel model)
    {
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long start = 0; start < _data.Count; start += 1000)
        {
            long length = Math.Min(1000, _data.Count - start);
            using var images = Data.ImageDataset.ToFloat(_data.Images.narrow(0, start, length));
            parts.Add(model.EncodeImages(images));
        }
        var all = cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return all;
    }

    /// <summary>
    /// TensorBoard writer of this run (TorchSharp's SummaryWriter). A resumed run starts a new event file;
    /// TensorBoard merges the files of a folder.
    /// </summary>
    private SummaryWriter Events => _events ??= torch.utils.tensorboard.SummaryWriter(Path.Combine(_run, "tensorboard"));

    /// <summary>
    /// Appends one row to metrics.csv by rewriting the file atomically: a kill leaves the old file or the new one,
    /// never a torn row.
    /// </summary>
    private void AppendMetrics(string phase, int epoch, long step, double loss, double learningRate, double seconds)
    {
        string existing = File.Exists(MetricsPath) ? File.ReadAllText(MetricsPath) : MetricsHeader + "\n";
        AtomicFile.WriteAllText(MetricsPath, existing + string.Create(CultureInfo.InvariantCulture, $"{phase},{epoch},{step},{loss:G6},{learningRate:G6},{seconds:F1}\n"));
        Events.add_scalar($"{phase}/epoch_loss", (float)loss, epoch);
        Events.add_scalar($"{phase}/learning_rate", (float)learningRate, epoch);
    }

    private const string MetricsHeader = "phase,epoch,step,loss,learning_rate,seconds";

    /// <summary>Rewrites metrics.csv (atomically) with only the rows that <paramref name="keep"/> accepts.</summary>
    private void KeepMetrics(Func<(string Phase, int Epoch), bool> keep)
    {
        if (!File.Exists(MetricsPath)) return;
        var rows = File.ReadAllLines(MetricsPath).Skip(1).Where(line => line.Length > 0).ToList();
        var kept = rows.Where(line =>
        {
            var cells = line.Split(',');
            return cells.Length > 1 && int.TryParse(cells[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch) && keep((cells[0], epoch));
        }).ToList();
        if (kept.Count != rows.Count) AtomicFile.WriteAllText(MetricsPath, string.Join("\n", kept.Prepend(MetricsHeader)) + "\n");
    }

    private void SaveCheckpoint(int epoch, long step, double seconds, LatentDiffusionModel model, TextEncoder emaText, UNet emaUNet, OptimizerHelper optimizer) =>
        AtomicFile.Write(CheckpointPath, stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(CheckpointMagic);
            writer.Write(epoch);
            writer.Write(step);
            writer.Write(seconds);
            model.TextEncoder.save(writer);
            model.UNet.save(writer);
            emaText.save(writer);
            emaUNet.save(writer);
            optimizer.save_state_dict(writer);
            writer.Flush();
        });

    private (int Epoch, long Step, double Seconds) LoadCheckpoint(LatentDiffusionModel model, TextEncoder emaText, UNet emaUNet, OptimizerHelper optimizer)
    {
        using var stream = File.OpenRead(CheckpointPath);
        using var reader = new BinaryReader(stream);
        var header = ReadHeader(reader, CheckpointPath);
        model.TextEncoder.load(reader);
        model.UNet.load(reader);
        emaText.load(reader);
        emaUNet.load(reader);
        optimizer.load_state_dict(reader);
        return header;
    }

    private static (int Epoch, long Step, double Seconds) ReadCheckpointHeader(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        return ReadHeader(reader, path);
    }

    private static (int Epoch, long Step, double Seconds) ReadHeader(BinaryReader reader, string path)
    {
        try
        {
            if (reader.ReadString() != CheckpointMagic) throw new UserErrorException($"{path} is not a Langevin diffusion checkpoint; delete it or choose a new {{DiffusionTrainer.runFolder}} folder");
            return (reader.ReadInt32(), reader.ReadInt64(), reader.ReadDouble());
        }
        catch (EndOfStreamException)
        {
            throw new UserErrorException($"{path} is truncated; delete it (the run restarts its diffusion phase) or choose a new {{DiffusionTrainer.runFolder}} folder");
        }
    }

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        foreach (var (source, target) in from.parameters().Zip(to.parameters())) target.copy_(source);
    }
}
