using System.Diagnostics;
using System.Globalization;
using Langevin.Generative.Imaging;
using Langevin.Generative.Models;
using Langevin.Generative.Pipeline;
using Langevin.Generative.Schedulers;
using Langevin.Generative.Text;
using Langevin.Generative.Training.Reporting;
using Langevin.IO;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Schedules;
using Langevin.Torch;
using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Trains a latent diffusion model into a run folder (<see cref="RunFolder"/>: locked while the trainer lives), in two
/// phases: (1) the autoencoder (then frozen; the latent scale is measured on the training set), (2) the text encoder and
/// UNet on ε-prediction with caption dropout, EMA weights. The folder holds <c>config.json</c>, <c>autoencoder.bin</c>,
/// <c>checkpoint.bin</c> (with its SHA-256, written after every diffusion epoch; <c>resume</c> continues from it),
/// <c>metrics.csv</c>, TensorBoard event files in <c>tensorboard/</c> (per-epoch loss and learning rate, and the loss
/// every <see cref="StepLogInterval"/> steps), <c>samples/epoch-NNN.png</c> and <c>model/</c> (the EMA model, loadable
/// by <see cref="LatentDiffusionModel.Load"/>, replaced as one unit after every epoch). The checkpoint, metrics,
/// TensorBoard curves, model export and sample grid are trackers of the run; a caller adds its own.
/// </summary>
public sealed class DiffusionTrainer : IDisposable
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

    private const string CheckpointMagic = "langevin-ldm-checkpoint-v2";
    private readonly RunFolder _run;
    private readonly DiffusionTrainingOptions _options;
    private readonly CaptionedImages _data;
    private readonly bool _resume;

    /// <summary>Prepares a run in <paramref name="runFolder"/>; with <paramref name="resume"/> it continues a previous one.</summary>
    /// <exception cref="UserErrorException">
    /// The folder already holds a run and <paramref name="resume"/> is false, holds none to resume, or is in use by another run.
    /// </exception>
    public DiffusionTrainer(string runFolder, DiffusionTrainingOptions options, CaptionedImages data, bool resume)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(data);
        options.Validate();
        _run = new RunFolder(runFolder);
        _options = options;
        _data = data;
        _resume = resume;
        if (data.Count < 2) throw new UserErrorException($"{data.Count} image(s) are too few to train on; give at least 2 (and at least {{DiffusionTrainingOptions.BatchSize}})");
        if (data.Count < options.BatchSize)
            throw new UserErrorException($"{data.Count} images are fewer than {{DiffusionTrainingOptions.BatchSize}} {options.BatchSize}; lower {{DiffusionTrainingOptions.BatchSize}} to at most {data.Count}");
        if (!resume && (File.Exists(ConfigPath) || _run.HasCheckpoint))
            throw new UserErrorException($"{_run.Path} already holds a training run; pass {{DiffusionTrainer.resume}} to continue it or choose a new {{DiffusionTrainer.runFolder}} folder");
        if (resume && !File.Exists(ConfigPath) && !File.Exists(AutoencoderPath) && !_run.HasCheckpoint)
            throw new UserErrorException($"{{DiffusionTrainer.resume}}: {_run.Path} holds no run to continue (no config.json, autoencoder.bin or checkpoint.bin); start the run without {{DiffusionTrainer.resume}}");
        if (resume && File.Exists(ConfigPath)) CheckDataMatchesRun();
        _run.Open();
    }

    /// <summary>A resumed run must see images of the shape it was started with, or its autoencoder cannot read them.</summary>
    private void CheckDataMatchesRun()
    {
        var saved = LatentDiffusionConfig.FromJson(File.ReadAllText(ConfigPath), ConfigPath);
        long channels = _data.Images.shape[1], size = _data.Images.shape[2];
        if (saved.ImageChannels != channels || saved.ImageSize != size)
            throw new UserErrorException(
                $"{_run.Path} was trained on {saved.ImageChannels}×{saved.ImageSize}×{saved.ImageSize} images, not {channels}×{size}×{size}; " +
                $"resume with {{CaptionedImages.channels}} {saved.ImageChannels} {{CaptionedImages.size}} {saved.ImageSize} or choose a new {{DiffusionTrainer.runFolder}} folder");
    }

    /// <summary>The EMA model folder, replaced after every epoch.</summary>
    public string ModelFolder => _run.File("model");

    /// <summary>The sample grid written after diffusion epoch <paramref name="epoch"/> (1-based).</summary>
    public string SampleGrid(int epoch) => _run.File(Path.Combine("samples", $"epoch-{epoch:D3}.png"));

    /// <summary>Steps per epoch (the last partial batch is dropped).</summary>
    public long StepsPerEpoch => _data.Count / _options.BatchSize;

    /// <summary>True when the autoencoder phase is already done (a resumed run skips it).</summary>
    public bool AutoencoderDone => _resume && File.Exists(ConfigPath) && File.Exists(AutoencoderPath);

    /// <summary>Epochs of the diffusion phase already in the checkpoint.</summary>
    public int DiffusionEpochsDone => _resume && _run.HasCheckpoint ? ReadCheckpoint(reader => ReadHeader(reader).Epoch) : 0;

    private string ConfigPath => _run.Config;
    private string AutoencoderPath => _run.File("autoencoder.bin");

    /// <summary>
    /// Phase 1: trains the autoencoder (reconstruction BCE + KL), measures the latent scale, writes
    /// <c>autoencoder.bin</c> and <c>config.json</c>. Skipped when a resumed run already has them; a run killed during
    /// this phase starts it over. The phase has no checkpoint, so it runs to its end whatever its trackers return.
    /// </summary>
    /// <param name="trackers">The caller's trackers, shown every mini-batch's state after the run's own.</param>
    /// <param name="cancellationToken">Stops between mini-batches.</param>
    public void TrainAutoencoder(IEnumerable<Tracker<DiffusionProgress>>? trackers = null, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        if (AutoencoderDone) return;
        var tokenizer = WordTokenizer.FromTexts(_data.AllCaptions, _options.Model.MaxTokens);
        var config = _options.Model with { Vocabulary = tokenizer.Vocabulary.Skip(WordTokenizer.SpecialTokens.Count).ToList() };
        // Two generators from the run's seed tree: one for the weights, one for the batches and the reparameterisation noise.
        using var initial = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.AutoencoderWeights));
        using var autoencoder = Autoencoder.Create(config, initial);
        using var generator = new Generator(SeedTree.Key(_options.Seed, (long)RandomStream.AutoencoderBatches));
        using var optimizer = optim.Adam(autoencoder.parameters(), _options.AutoencoderLearningRate);
        new AutoencoderPhase(autoencoder, _data, _options, generator, optimizer, Kept)
            .Run(0, [], RunTrackers().Concat(trackers ?? []), stoppable: false, cancellationToken);

        autoencoder.eval();
        double std = LatentStd(autoencoder);
        config = config with { LatentScale = 1.0 / std };
        AtomicFile.Write(AutoencoderPath, s => autoencoder.SaveTo(s));
        AtomicFile.WriteAllText(ConfigPath, config.ToJson());
    }

    /// <summary>
    /// Phase 2: trains the text encoder and UNet on the frozen autoencoder's scaled latents, for the remaining epochs.
    /// After each epoch: checkpoint, metrics.csv, TensorBoard, EMA model export and sample grid, then the caller's
    /// trackers. A resumed run first finishes what a kill after its last checkpoint cut short (metrics.csv, the model
    /// folder, the last grid). A tracker that stops the run ends it at the end of the current epoch, after its checkpoint.
    /// </summary>
    /// <param name="trackers">The caller's trackers, shown every mini-batch's state after the run's own.</param>
    /// <param name="cancellationToken">Stops between mini-batches; finished epochs stay checkpointed.</param>
    /// <exception cref="UserErrorException">
    /// Training diverged: with <see cref="DivergencePolicy.Stop"/> at the first non-finite step, with
    /// <see cref="DivergencePolicy.SkipStep"/> when every step of an epoch was skipped (the last checkpoint is kept).
    /// </exception>
    public void TrainDiffusion(IEnumerable<Tracker<DiffusionProgress>>? trackers = null, CancellationToken cancellationToken = default)
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
        using var optimizer = optim.AdamW(model.TextEncoder.parameters().Concat(model.UNet.parameters()), _options.LearningRate, weight_decay: 0.0);

        var weights = new DiffusionWeights(config, model, emaText, emaUNet, optimizer);
        int startEpoch = 0;
        long step = 0;
        double trainedSeconds = 0;
        List<DiffusionEpochMetrics> rows;
        if (_resume && _run.HasCheckpoint)
        {
            (startEpoch, step, trainedSeconds, rows) = LoadCheckpoint(weights);
            // A kill after the checkpoint may have cut the model folder or the grid short: they are written again.
            if (startEpoch > 0 && (!File.Exists(Path.Combine(ModelFolder, LatentDiffusionModel.ConfigFile)) || !File.Exists(SampleGrid(startEpoch))))
                Export(weights, initial, startEpoch);
        }
        else rows = DiffusionEpochMetrics.ReadCsv(_run.Metrics, DiffusionPhase.Autoencoder).ToList();

        var checkpoint = new CallbackTracker<DiffusionProgress>(1, (state, _) =>
        {
            if (state.Completed is not { } row) return;
            SaveCheckpoint(weights, row.Epoch, row.Step, row.Seconds, rows);
            Export(weights, initial, row.Epoch);
        });
        var phase = new DenoiserPhase(model, emaT, emaU, optimizer, _data, _options,
            SeedTree.Key(_options.Seed, (long)RandomStream.DiffusionBatches), SeedTree.Key(_options.Seed, (long)RandomStream.Captions),
            step, trainedSeconds, Kept);
        try
        {
            phase.Run(startEpoch, rows, RunTrackers(checkpoint).Concat(trackers ?? []), stoppable: true, cancellationToken);
        }
        finally
        {
            phase.Release();
        }
    }

    /// <summary>The run's own trackers of a phase: its checkpoint (phase 2), then metrics.csv and TensorBoard.</summary>
    private IEnumerable<Tracker<DiffusionProgress>> RunTrackers(Tracker<DiffusionProgress>? checkpoint = null) =>
        (checkpoint is null ? [] : new[] { checkpoint })
            .Append(new DiffusionMetricsCsvTracker(_run))
            .Append(new DiffusionTensorBoardTracker(_run.File("tensorboard"), StepsPerEpoch, StepLogInterval));

    /// <summary>The EMA model as the run ships it: into <c>model/</c> (replaced as one unit), then the epoch's sample grid.</summary>
    private void Export(DiffusionWeights weights, Generator initial, int epoch)
    {
        var config = weights.Config;
        using var shipped = new LatentDiffusionModel(config, TextEncoder.Create(config, initial), UNet.Create(config, initial), Autoencoder.Create(config, initial));
        CopyWeights(weights.EmaText, shipped.TextEncoder);
        CopyWeights(weights.EmaUNet, shipped.UNet);
        CopyWeights(weights.Model.Autoencoder, shipped.Autoencoder);
        shipped.Eval();
        _run.ReplaceFolder("model", shipped.Save);
        DrawSampleGrid(shipped, SampleGrid(epoch));
    }

    /// <summary>The 10×8 style grid: one row per grid prompt, columns of seeds, DDIM at guidance 3.</summary>
    private void DrawSampleGrid(LatentDiffusionModel model, string path)
    {
        var prompts = _data.GridPrompts.SelectMany(p => Enumerable.Repeat(p, _options.GridColumns)).ToList();
        var options = new GenerationOptions { Steps = _options.GridSteps, Sampler = SamplerKind.Ddim, Guidance = 3, Seed = _options.Seed };
        using var images = TextToImage.Generate(model, prompts, options);
        ImageGrid.SaveGrid(path, images, _options.GridColumns, padding: 2, scale: 2);
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

    /// <summary>What a divergence leaves behind, for its message.</summary>
    private string Kept() => _run.HasCheckpoint ? $"the last good checkpoint ({_run.Checkpoint}) is kept" : "no checkpoint had been written yet";

    /// <summary>What the diffusion phase trains and checkpoints.</summary>
    private sealed record DiffusionWeights(LatentDiffusionConfig Config, LatentDiffusionModel Model, TextEncoder EmaText, UNet EmaUNet, OptimizerHelper Optimizer);

    /// <summary>Writes the diffusion phase's state and every metrics row so far (both phases) into the run folder's checkpoint.</summary>
    private void SaveCheckpoint(DiffusionWeights weights, int epoch, long step, double seconds, IReadOnlyList<DiffusionEpochMetrics> rows) =>
        _run.WriteCheckpoint(stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            writer.Write(CheckpointMagic);
            writer.Write(epoch);
            writer.Write(step);
            writer.Write(seconds);
            writer.Write(rows.Count);
            foreach (var row in rows) row.Write(writer);
            weights.Model.TextEncoder.save(writer);
            weights.Model.UNet.save(writer);
            weights.EmaText.save(writer);
            weights.EmaUNet.save(writer);
            weights.Optimizer.save_state_dict(writer);
            writer.Flush();
        });

    /// <summary>Restores what <see cref="SaveCheckpoint"/> wrote.</summary>
    private (int Epoch, long Step, double Seconds, List<DiffusionEpochMetrics> Rows) LoadCheckpoint(DiffusionWeights weights) =>
        ReadCheckpoint(reader =>
        {
            var (epoch, step, seconds) = ReadHeader(reader);
            int count = reader.ReadInt32();
            var rows = new List<DiffusionEpochMetrics>(count);
            for (int i = 0; i < count; i++) rows.Add(DiffusionEpochMetrics.Read(reader));
            weights.Model.TextEncoder.load(reader);
            weights.Model.UNet.load(reader);
            weights.EmaText.load(reader);
            weights.EmaUNet.load(reader);
            weights.Optimizer.load_state_dict(reader);
            return (epoch, step, seconds, rows);
        });

    /// <summary>Reads the checkpoint (its SHA-256 checked by the run folder); a file of another kind is one user error.</summary>
    private T ReadCheckpoint<T>(Func<BinaryReader, T> read) => _run.ReadCheckpoint(stream =>
    {
        using var reader = new BinaryReader(stream, System.Text.Encoding.UTF8, leaveOpen: true);
        try
        {
            return read(reader);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or System.Runtime.InteropServices.ExternalException)
        {
            throw new UserErrorException($"{_run.Checkpoint} is not a readable diffusion checkpoint ({e.Message.TrimEnd('.')}); delete it (the run restarts its diffusion phase) or choose a new {{DiffusionTrainer.runFolder}} folder", e);
        }
    });

    private (int Epoch, long Step, double Seconds) ReadHeader(BinaryReader reader)
    {
        if (reader.ReadString() != CheckpointMagic)
            throw new UserErrorException($"{_run.Checkpoint} is not a Langevin diffusion checkpoint of this version; delete it (the run restarts its diffusion phase) or choose a new {{DiffusionTrainer.runFolder}} folder");
        return (reader.ReadInt32(), reader.ReadInt64(), reader.ReadDouble());
    }

    /// <summary>Releases the run folder's lock.</summary>
    public void Dispose() => _run.Dispose();

    private static void CopyWeights(nn.Module from, nn.Module to)
    {
        using var _ = no_grad();
        foreach (var (source, target) in from.parameters().Zip(to.parameters())) target.copy_(source);
    }
}
