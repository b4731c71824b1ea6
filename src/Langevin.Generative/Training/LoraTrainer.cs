using System.Globalization;
using Langevin.Generative.StableDiffusion;
using Langevin.Generative.Training.Reporting;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Torch;
using Langevin.Tracking;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Langevin.Generative.Training;

/// <summary>
/// Fine-tunes a LoRA on a Stable Diffusion model from captioned images into a run folder (<see cref="RunFolder"/>, locked
/// while the trainer lives): adapters on the UNet's attention projections (and the text encoder's, with
/// <see cref="LoraTrainingOptions.TrainTextEncoder"/>), the model frozen, AdamW on the adapters only (one parameter group
/// per component, each with its learning rate). After every epoch the folder gets <c>checkpoint.bin</c> (resume
/// continues from it to the same result as an uninterrupted run), <c>metrics.csv</c>, TensorBoard curves in
/// <c>tensorboard/</c>, and <c>lora.safetensors</c> in the kohya/web-UI layout (<c>lora_unet_</c> + original LDM names,
/// <c>lora_te_</c> + transformers names, <c>.alpha</c>, <c>ss_</c> metadata), which <see cref="StableDiffusionModel.ApplyLora"/>
/// and the web UIs read; optionally also <c>pytorch_lora_weights.safetensors</c> in diffusers' PEFT layout.
/// </summary>
public sealed class LoraTrainer : IDisposable
{
    /// <summary>Optimiser steps between two per-step loss points in TensorBoard.</summary>
    public const int StepLogInterval = 10;

    // torch.optim.AdamW's default, which diffusers' LoRA scripts and kohya's sd-scripts train with (TorchSharp's is 0).
    private const double AdamWeightDecay = 0.01;

    private const string CheckpointMagic = "langevin-lora-checkpoint-v2";
    // Version 1 had no text-encoder flag: its runs adapted the UNet only.
    private const string CheckpointMagicUNetOnly = "langevin-lora-checkpoint-v1";
    private readonly RunFolder _run;
    private readonly StableDiffusionModel _model;
    private readonly CaptionedImages _data;
    private readonly LoraTrainingOptions _options;
    private readonly bool _resume;

    /// <summary>Prepares a run in <paramref name="runFolder"/> on <paramref name="model"/> (not owned; it is frozen and left without adapters).</summary>
    /// <param name="runFolder">The run folder.</param>
    /// <param name="model">The base model.</param>
    /// <param name="data">RGB images at <see cref="ResolutionFor"/> pixels, with their captions.</param>
    /// <param name="options">The settings.</param>
    /// <param name="resume">Continue the run in the folder (a folder without a checkpoint starts one).</param>
    /// <exception cref="UserErrorException">A setting is out of range, the images do not fit, or the folder holds a run and <paramref name="resume"/> is false.</exception>
    public LoraTrainer(string runFolder, StableDiffusionModel model, CaptionedImages data, LoraTrainingOptions options, bool resume)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int resolution = ResolutionFor(model, options);
        if (data.Images.shape[1] != 3 || data.Images.shape[2] != resolution || data.Images.shape[3] != resolution)
            throw new ArgumentException($"expected RGB images of {resolution}×{resolution}, got [{string.Join(", ", data.Images.shape)}]", nameof(data));
        if (data.Count < options.BatchSize)
            throw new UserErrorException($"{data.Count} image(s) are fewer than {{LoraTrainingOptions.BatchSize}} {options.BatchSize}; lower it to at most {data.Count}");
        _run = new RunFolder(runFolder);
        _model = model;
        _data = data;
        _options = options;
        _resume = _run.OpenForTraining(resume, "{LoraTrainer.resume}", "{LoraTrainer.runFolder}");
    }

    /// <summary>The side of the training images: the option, or the model's native size (UNet sample size × VAE scale).</summary>
    public static int ResolutionFor(StableDiffusionModel model, LoraTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        return options.Resolution ?? model.UNet.Config.SampleSize * model.LatentScale;
    }

    /// <summary>Optimiser steps per epoch (the last partial batch is dropped).</summary>
    public long StepsPerEpoch => _data.Count / _options.BatchSize;

    /// <summary>Epochs in all: the option's, or enough for the option's steps.</summary>
    public int Epochs => _options.Steps is { } steps ? (int)((steps + StepsPerEpoch - 1) / StepsPerEpoch) : _options.Epochs;

    /// <summary>Epochs already in the checkpoint (0 for a new run).</summary>
    public int EpochsDone => _resume ? ReadCheckpoint(reader => ReadHeader(reader).Epoch) : 0;

    /// <summary>The LoRA in the kohya/web-UI layout, rewritten after every epoch.</summary>
    public string LoraPath => _run.File("lora.safetensors");

    /// <summary>The LoRA in diffusers' PEFT layout (with <see cref="LoraTrainingOptions.DiffusersFormat"/>).</summary>
    public string DiffusersLoraPath => _run.File("pytorch_lora_weights.safetensors");

    /// <summary>
    /// Trains the remaining epochs. A tracker that stops the run ends it at the end of the current epoch, after its
    /// checkpoint; <paramref name="cancellationToken"/> stops between steps (finished epochs stay checkpointed).
    /// </summary>
    /// <param name="trackers">The caller's trackers, shown every step's state after the run's own.</param>
    /// <param name="cancellationToken">Stops between steps.</param>
    /// <exception cref="UserErrorException">Every step of an epoch had a non-finite loss or gradient.</exception>
    public void Train(IEnumerable<Tracker<DiffusionProgress>>? trackers = null, CancellationToken cancellationToken = default)
    {
        TorchRuntime.EnsureLoaded();
        // The base model is frozen: only the adapters get gradients (and no gradient memory is spent on 860 M weights).
        foreach (var p in _model.UNet.parameters().Concat(_model.TextEncoder.parameters()).Concat(_model.Vae.parameters())) p.requires_grad_(false);
        using var initial = new Generator(SeedTree.Key(_options.Seed, (long)LoraPhase.RandomStream.AdapterWeights));
        using var network = new LoraNetwork(_model.UNet, _options.TrainTextEncoder ? _model.TextEncoder : null, _options.Rank, _options.EffectiveAlpha, initial);
        // One group per component, each with its learning rate.
        var groups = new List<AdamW.ParamGroup> { new(network.Parameters(LoraTargets.UNet), _options.LearningRate, weight_decay: AdamWeightDecay) };
        if (network.TrainsTextEncoder)
            groups.Add(new(network.Parameters(LoraTargets.TextEncoder), _options.EffectiveTextEncoderLearningRate, weight_decay: AdamWeightDecay));
        using var optimizer = optim.AdamW(groups, _options.LearningRate, weight_decay: AdamWeightDecay);
        int startEpoch = 0;
        long step = 0;
        double seconds = 0;
        var rows = new List<DiffusionEpochMetrics>();
        if (_resume) (startEpoch, step, seconds, rows) = LoadCheckpoint(network, optimizer);

        var checkpoint = new CallbackTracker<DiffusionProgress>(1, (state, _) =>
        {
            if (state.Completed is not { } row) return;
            SaveCheckpoint(network, optimizer, row.Epoch, row.Step, row.Seconds, rows);
            WriteLora(network, row.Epoch, row.Step);
        });
        var phase = new LoraPhase(_model, network, optimizer, _data, _options, Epochs, StepsPerEpoch, step, seconds, Kept);
        try
        {
            var own = new Tracker<DiffusionProgress>[]
            {
                checkpoint, new DiffusionMetricsCsvTracker(_run), new DiffusionTensorBoardTracker(_run.File("tensorboard"), StepsPerEpoch, StepLogInterval),
            };
            phase.Run(startEpoch, rows, own.Concat(trackers ?? []), stoppable: true, cancellationToken);
        }
        finally
        {
            phase.Release();
        }
    }

    /// <summary>Releases the run folder's lock.</summary>
    public void Dispose() => _run.Dispose();

    private string Kept() => _run.HasCheckpoint ? $"the last good checkpoint ({_run.Checkpoint}) and {LoraPath} are kept" : "no checkpoint had been written yet";

    private void WriteLora(LoraNetwork network, int epoch, long step)
    {
        string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var metadata = new Dictionary<string, string>
        {
            ["ss_network_module"] = "networks.lora",
            ["ss_network_dim"] = network.Rank.ToString(CultureInfo.InvariantCulture),
            ["ss_network_alpha"] = Text(network.Alpha),
            ["ss_network_train_unet_only"] = network.TrainsTextEncoder ? "False" : "True",
            ["ss_sd_model_name"] = Path.GetFileName(Path.TrimEndingDirectorySeparator(_model.Path)),
            ["ss_v2"] = _model.TextEncoder.Config.HiddenSize >= 1024 ? "True" : "False",
            ["ss_resolution"] = $"({_data.Images.shape[3]}, {_data.Images.shape[2]})",
            ["ss_num_train_images"] = _data.Count.ToString(CultureInfo.InvariantCulture),
            ["ss_batch_size_per_device"] = _options.BatchSize.ToString(CultureInfo.InvariantCulture),
            ["ss_epoch"] = epoch.ToString(CultureInfo.InvariantCulture),
            ["ss_steps"] = step.ToString(CultureInfo.InvariantCulture),
            ["ss_learning_rate"] = Text(_options.LearningRate),
            ["ss_unet_lr"] = Text(_options.LearningRate),
            ["ss_text_encoder_lr"] = network.TrainsTextEncoder ? Text(_options.EffectiveTextEncoderLearningRate) : "None",
            ["ss_optimizer"] = "torch.optim.AdamW",
            ["ss_seed"] = _options.Seed.ToString(CultureInfo.InvariantCulture),
            ["ss_training_comment"] = "trained with langevin diffusion finetune",
        };
        using var scope = NewDisposeScope();
        SafeTensorsWriter.Write(LoraPath, network.KohyaTensors(), metadata);
        if (_options.DiffusersFormat) SafeTensorsWriter.Write(DiffusersLoraPath, network.DiffusersTensors());
    }

    private void SaveCheckpoint(LoraNetwork network, OptimizerHelper optimizer, int epoch, long step, double seconds, IReadOnlyList<DiffusionEpochMetrics> rows) =>
        _run.SaveCheckpoint(writer =>
        {
            writer.Write(CheckpointMagic);
            writer.Write(network.Rank);
            writer.Write(network.Alpha);
            writer.Write(network.TrainsTextEncoder);
            writer.Write(epoch);
            writer.Write(step);
            writer.Write(seconds);
            writer.Write(rows.Count);
            foreach (var row in rows) row.Write(writer);
            network.Save(writer);
            optimizer.save_state_dict(writer);
        });

    private (int Epoch, long Step, double Seconds, List<DiffusionEpochMetrics> Rows) LoadCheckpoint(LoraNetwork network, OptimizerHelper optimizer) =>
        ReadCheckpoint(reader =>
        {
            var (epoch, step, seconds) = ReadHeader(reader);
            int count = reader.ReadInt32();
            var rows = new List<DiffusionEpochMetrics>(count);
            for (int i = 0; i < count; i++) rows.Add(DiffusionEpochMetrics.Read(reader));
            network.Load(reader);
            optimizer.load_state_dict(reader);
            return (epoch, step, seconds, rows);
        });

    private T ReadCheckpoint<T>(Func<BinaryReader, T> read)
    {
        T result = default!;
        _run.LoadCheckpoint(reader => result = read(reader), "{LoraTrainer.runFolder}");
        return result;
    }

    private (int Epoch, long Step, double Seconds) ReadHeader(BinaryReader reader)
    {
        string magic = reader.ReadString();
        if (magic != CheckpointMagic && magic != CheckpointMagicUNetOnly)
            throw new UserErrorException($"{_run.Checkpoint} is not a Langevin LoRA checkpoint; choose a new {{LoraTrainer.runFolder}} folder");
        int rank = reader.ReadInt32();
        double alpha = reader.ReadDouble();
        bool textEncoder = magic == CheckpointMagic && reader.ReadBoolean();
        if (rank != _options.Rank || alpha != _options.EffectiveAlpha)
            throw new UserErrorException($"{_run.Path} trains a LoRA of rank {rank} and alpha {alpha.ToString(CultureInfo.InvariantCulture)}; resume with {{LoraTrainingOptions.Rank}} {rank} {{LoraTrainingOptions.Alpha}} {alpha.ToString(CultureInfo.InvariantCulture)} or choose a new {{LoraTrainer.runFolder}} folder");
        if (textEncoder != _options.TrainTextEncoder)
            throw new UserErrorException(textEncoder
                ? $"{_run.Path} trains the text encoder too; resume with {{LoraTrainingOptions.TrainTextEncoder}} or choose a new {{LoraTrainer.runFolder}} folder"
                : $"{_run.Path} trains the UNet only; resume without {{LoraTrainingOptions.TrainTextEncoder}} or choose a new {{LoraTrainer.runFolder}} folder");
        return (reader.ReadInt32(), reader.ReadInt64(), reader.ReadDouble());
    }
}
