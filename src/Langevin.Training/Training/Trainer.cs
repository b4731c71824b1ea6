using System.Diagnostics;
using System.Text.Json;
using Langevin.Data;
using Langevin.IO;
using Langevin.Optim;
using Langevin.Randomness;
using Langevin.Runs;
using Langevin.Schedules;
using Langevin.Training.Metrics;
using Langevin.Training.Models;
using Langevin.Training.Reporting;
using Langevin.Tracking;
using TorchSharp.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Langevin.Training;

/// <summary>
/// Trains a classifier on an image dataset with the optimizer of a <see cref="TrainingConfig"/>, the loop of
/// the classic PyTorch tutorial (shuffled mini-batches, cross-entropy of the mean batch loss) plus what a
/// real run needs: a validation split for model selection, per-epoch metrics, atomic checkpoints after
/// every epoch, exact resume, divergence detection, posterior sampling.
/// </summary>
/// <remarks>
/// The last <see cref="TrainingConfig.ValidationCount"/> training images form the validation split. Every
/// random choice is a branch of the seed's tree (<see cref="SeedBranches"/>): model initialisation (a torch generator
/// keyed (seed, −2)), shuffling (a permutation keyed (seed, −1, epoch)), noise (keyed below (seed, −3) by parameter and
/// step).
/// So a run resumed from its epoch-k checkpoint produces the same numbers as an uninterrupted one.
/// </remarks>
public sealed class Trainer : IDisposable
{
    private const int CheckpointVersion = 2;
    private const int TrainEvaluationImages = 10_000;
    private readonly ImageDataset _train;
    private readonly ImageDataset _validation;
    private readonly ImageDataset _test;
    private readonly ImageDataset _trainSubset;
    private readonly nn.Module<Tensor, Tensor> _model;
    private readonly OptimizerHelper _optimizer;
    private readonly PosteriorSampler? _sampler;
    private readonly DiffusionSchedule _schedule;
    private readonly List<EpochMetrics> _epochs = [];
    private readonly RunFolder? _run;
    private long _step;
    private int _bestEpoch;

    /// <summary>Sets up a run (nothing is trained yet).</summary>
    /// <param name="config">The settings; validated here.</param>
    /// <param name="trainingSet">The full training set (split into train and validation here). Not disposed by the trainer.</param>
    /// <param name="testSet">The test set. Not disposed by the trainer.</param>
    /// <param name="runDirectory">Where files go; null trains in memory only (no checkpoints). The trainer holds the
    /// folder's lock until it is disposed.</param>
    /// <exception cref="UserErrorException">Another run holds <paramref name="runDirectory"/>.</exception>
    public Trainer(TrainingConfig config, ImageDataset trainingSet, ImageDataset testSet, string? runDirectory)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(trainingSet);
        ArgumentNullException.ThrowIfNull(testSet);
        config.Validate();
        Langevin.Torch.TorchRuntime.EnsureLoaded();
        Config = config;
        _schedule = config.Schedule;

        long available = trainingSet.Count - config.ValidationCount;
        if (available < 1)
            throw new UserErrorException($"{{TrainingConfig.ValidationCount}} {config.ValidationCount} leaves no training images out of {trainingSet.Count}; use a smaller validation split");
        long trainCount = config.TrainCount(trainingSet.Count);
        if (config.BatchSize > trainCount)
            throw new UserErrorException($"{{TrainingConfig.BatchSize}} {config.BatchSize} is more than the {trainCount} training images; give at most {trainCount}");
        _train = trainingSet.Slice(0, trainCount);
        _validation = trainingSet.Slice(available, config.ValidationCount);
        _test = testSet;
        _trainSubset = _train.Slice(0, Math.Min(TrainEvaluationImages, trainCount));

        _model = config.Model.Create(trainingSet.ImageShape, trainingSet.ClassNames.Count, config.Seed);
        _optimizer = (OptimizerHelper)config.Optimizer.Create(_model.parameters(), config);
        if (config.Samples > 0)
        {
            _sampler = new PosteriorSampler(config.BurnInSteps(trainingSet.Count), config.SampleInterval(trainingSet.Count), config.Samples);
        }
        if (runDirectory is null) return;
        _run = new RunFolder(runDirectory);
        try
        {
            _run.Open();
        }
        catch
        {
            // The model, optimizer and data views above hold native memory.
            Dispose();
            throw;
        }
    }

    /// <summary>The settings of the run.</summary>
    public TrainingConfig Config { get; }

    /// <summary>The model being trained.</summary>
    public nn.Module<Tensor, Tensor> Model => _model;

    /// <summary>The optimizer (its state is part of every checkpoint).</summary>
    public torch.optim.Optimizer Optimizer => _optimizer;

    /// <summary>Posterior samples, or null when <see cref="TrainingConfig.Samples"/> is 0.</summary>
    public PosteriorSampler? Sampler => _sampler;

    /// <summary>Images in the training split (after the validation hold-out and the limit).</summary>
    public long TrainCount => _train.Count;

    /// <summary>Mini-batches per epoch (the last one may be smaller).</summary>
    public long BatchesPerEpoch => (_train.Count + Config.BatchSize - 1) / Config.BatchSize;

    /// <summary>Epochs completed so far (after a resume: those in the checkpoint).</summary>
    public int CompletedEpochs => _epochs.Count;

    /// <summary>Optimizer steps taken so far.</summary>
    public long Steps => _step;

    /// <summary>Per-epoch metrics so far.</summary>
    public IReadOnlyList<EpochMetrics> Epochs => _epochs;

    /// <summary>
    /// Starts a new run in <paramref name="runDirectory"/>, or, when <paramref name="resume"/> is true and the
    /// folder holds a checkpoint, continues it with the configuration saved there: only <see cref="TrainingConfig.Epochs"/>
    /// may be raised, and <see cref="TrainingConfig.Threads"/> is taken from <paramref name="config"/> (the caller sets the threads).
    /// </summary>
    public static Trainer Open(TrainingConfig config, ImageDataset trainingSet, ImageDataset testSet, string runDirectory, bool resume)
    {
        var run = new RunFolder(runDirectory);
        if (!resume)
        {
            if (run.HasCheckpoint)
                throw new UserErrorException($"{run.Path} already holds a run (checkpoint.bin); pass {{Trainer.resume}} to continue it or choose another {{Trainer.runDirectory}}");
            return new Trainer(config, trainingSet, testSet, runDirectory);
        }
        if (!File.Exists(run.Config) || !run.HasCheckpoint)
            throw new UserErrorException($"{{Trainer.resume}}: {run.Path} holds no config.json and checkpoint.bin; start the run without {{Trainer.resume}}");
        var saved = TrainingConfig.FromJson(File.ReadAllText(run.Config), run.Config);
        saved = saved with { Epochs = Math.Max(saved.Epochs, config.Epochs), Threads = config.Threads };
        var trainer = new Trainer(saved, trainingSet, testSet, runDirectory);
        try
        {
            trainer.LoadCheckpoint();
        }
        catch
        {
            trainer.Dispose();
            throw;
        }
        return trainer;
    }

    /// <summary>
    /// Trains the remaining epochs and returns the report. With a run folder, the run's own trackers come first: the
    /// checkpoint (and best.bin) after every epoch, then metrics.csv and the PNG plots (both rewritten at the start too, so
    /// a resumed run finishes what a kill interrupted) and TensorBoard (appended: an epoch whose events a kill cut off
    /// stays missing there, not in metrics.csv); then <paramref name="trackers"/>, at progress t = epochs done. A tracker
    /// that stops the run ends it at the end of the current epoch, after its checkpoint (a run with no epoch done trains
    /// its first epoch all the same, so that there is a result to report).
    /// </summary>
    /// <exception cref="UserErrorException">The loss or the weights became NaN/Inf (the last good checkpoint is kept).</exception>
    public TrainingResult Run(IEnumerable<Tracker<TrainingProgress>>? trackers = null, CancellationToken cancellationToken = default)
    {
        var all = new TrackerCollection<TrainingProgress>(RunTrackers().Concat(trackers ?? []));
        if (_run is not null) AtomicFile.WriteAllText(_run.Config, Config.ToJson());
        long batches = BatchesPerEpoch;
        // Trackers start at the beginning of the next epoch (batch 0), with the epochs a resumed run already has.
        var state = new TrainingProgress(_epochs.Count + 1, 0, batches, _step, double.NaN, _epochs);
        double t = _epochs.Count;
        bool stopped = false;
        try
        {
            stopped = all.Initialise(state, t) == TrackerAction.Stop && _epochs.Count > 0;
            for (int epoch = _epochs.Count; epoch < Config.Epochs && !stopped; epoch++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (state, stopped) = TrainEpoch(epoch, all, cancellationToken);
                t = epoch + 1;
            }
        }
        finally
        {
            all.Finalise(state, t);
        }
        return Finish();
    }

    /// <summary>The trackers of the run folder, in the order they must run (the checkpoint before what reports the epoch).</summary>
    private IEnumerable<Tracker<TrainingProgress>> RunTrackers()
    {
        if (_run is null) return [];
        return
        [
            new CallbackTracker<TrainingProgress>(1, (state, _) =>
            {
                if (state.Completed is not null) WriteCheckpoint();
            }),
            new MetricsCsvTracker(_run),
            new RunPlotsTracker(_run),
            new TensorBoardTracker(_run.File("tensorboard")),
        ];
    }

    /// <summary>
    /// Runs one epoch (0-based <paramref name="epoch"/>), evaluates the model after it, and shows both to the trackers;
    /// returns the epoch-end state and whether a tracker stopped the run.
    /// </summary>
    private (TrainingProgress State, bool Stopped) TrainEpoch(int epoch, TrackerCollection<TrainingProgress> trackers, CancellationToken cancellationToken)
    {
        _model.train();
        long n = _train.Count, batches = BatchesPerEpoch;
        using var order = tensor(Permutation(n, Config.Seed, epoch));
        double lossSum = 0, roughnessSum = 0, previousLoss = double.NaN;
        double lr = Config.LearningRate, diffusion = Config.Diffusion;
        double divergenceLimit = Config.DivergenceFactor * Math.Log(_train.ClassNames.Count);
        double last = double.NaN;
        long taken = 0;
        bool stop = false;
        var watch = Stopwatch.StartNew();
        for (long b = 0; b < batches; b++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            double t = epoch + (double)b / batches;
            lr = Config.LearningRate * _schedule.LearningRateFactor(t);
            diffusion = Config.Diffusion * _schedule.DiffusionFactor(t);
            foreach (var group in _optimizer.ParamGroups) group.LearningRate = lr;
            if (_optimizer is ILangevinOptimizer langevin) langevin.Diffusion = diffusion;

            double loss;
            bool diverged;
            using (NewDisposeScope())
            {
                long start = b * Config.BatchSize, length = Math.Min(Config.BatchSize, n - start);
                var index = order.narrow(0, start, length);
                var x = ImageDataset.ToFloat(_train.Images.index_select(0, index));
                var y = _train.Labels.index_select(0, index);
                _optimizer.zero_grad();
                var output = nn.functional.cross_entropy(_model.forward(x), y);
                loss = output.item<float>();
                diverged = !double.IsFinite(loss) || (divergenceLimit > 0 && loss > divergenceLimit);
                if (diverged && Config.OnDivergence == DivergencePolicy.Stop)
                    throw Diverged($"the loss became {loss:G4}{(double.IsFinite(loss) ? $" (over {Config.DivergenceFactor:G3} × ln {_train.ClassNames.Count})" : "")}", epoch, b);
                if (!diverged)
                {
                    output.backward();
                    _optimizer.step();
                }
            }
            if (!diverged)
            {
                _step++;
                taken++;
                // Cyclical SG-MCMC keeps samples only from the sampling phase (noise on), not from exploration.
                if (_schedule.DiffusionFactor(t) > 0) _sampler?.Observe(_model, _step);
                lossSum += loss;
                if (taken > 1) roughnessSum += (loss - previousLoss) * (loss - previousLoss);
                previousLoss = loss;
            }
            last = loss;
            // The last batch is shown with the epoch's metrics, below. A stop asked for mid-epoch takes effect at its end,
            // where the checkpoint is.
            if (b + 1 < batches && trackers.Handle(new TrainingProgress(epoch + 1, b + 1, batches, _step, loss, _epochs), epoch + (double)(b + 1) / batches) == TrackerAction.Stop)
                stop = true;
        }
        watch.Stop();

        if (taken == 0) throw Diverged("every mini-batch of the epoch diverged (all were skipped)", epoch, batches - 1);
        if (!ParametersAreFinite()) throw Diverged("the weights became NaN or infinite", epoch, batches - 1);
        var trainMetrics = Evaluation.Evaluate(_model, _trainSubset);
        var validation = Config.ValidationCount > 0 ? Evaluation.Evaluate(_model, _validation) : new ClassificationMetrics(0, 0, 0, 0);
        var test = Evaluation.Evaluate(_model, _test);
        using var process = Process.GetCurrentProcess();
        var metrics = new EpochMetrics(
            epoch + 1, lr, diffusion, lossSum / taken, taken > 1 ? Math.Sqrt(roughnessSum / (taken - 1)) : 0,
            trainMetrics, validation, test, watch.Elapsed.TotalSeconds, n / watch.Elapsed.TotalSeconds,
            process.WorkingSet64 / 1048576.0, _sampler?.Count ?? 0);
        _epochs.Add(metrics);
        if (IsBetter(metrics)) _bestEpoch = metrics.Epoch;
        var end = new TrainingProgress(epoch + 1, batches, batches, _step, last, _epochs);
        stop |= trackers.Handle(end, epoch + 1) == TrackerAction.Stop;
        return (end, stop && epoch + 1 < Config.Epochs);
    }

    /// <summary>
    /// The shuffling order of epoch <paramref name="epoch"/>: the counter-based permutation keyed
    /// (seed, <see cref="SeedBranches.Shuffle"/>, epoch) in the seed tree.
    /// </summary>
    internal static long[] Permutation(long n, long seed, int epoch) =>
        CounterUniform.Permutation(SeedTree.Key(seed, SeedBranches.Shuffle, epoch), n);

    private bool ParametersAreFinite()
    {
        using var scope = NewDisposeScope();
        return _model.parameters().All(p => p.isfinite().all().item<bool>());
    }

    private UserErrorException Diverged(string what, int epoch, long batch)
    {
        string kept = _run is { HasCheckpoint: true }
            ? $"the last good checkpoint ({_run.Checkpoint}, epoch {_epochs.Count}) is kept"
            : "no checkpoint had been written yet";
        return new UserErrorException(
            $"training diverged: {what} at epoch {epoch + 1}, batch {batch + 1} (lr {Config.LearningRate}, D {Config.Diffusion}); {kept}; lower {{TrainingConfig.LearningRate}} or {{TrainingConfig.Diffusion}} and start a new run");
    }

    private bool IsBetter(EpochMetrics m)
    {
        if (_bestEpoch == 0) return true;
        var best = _epochs[_bestEpoch - 1].Validation;
        return m.Validation.Accuracy > best.Accuracy || (m.Validation.Accuracy == best.Accuracy && m.Validation.Nll < best.Nll);
    }

    /// <summary>Writes best.bin when the epoch just done is the best so far, then the checkpoint.</summary>
    private void WriteCheckpoint()
    {
        var run = _run!;
        if (_bestEpoch == _epochs.Count) AtomicFile.Write(run.File("best.bin"), stream =>
        {
            using var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true);
            _model.save(writer);
        });
        run.SaveCheckpoint(SaveCheckpoint);
    }

    /// <summary>Writes everything needed to resume: counters, metrics so far, model, optimizer state, posterior samples.</summary>
    internal void SaveCheckpoint(BinaryWriter writer)
    {
        writer.Write("langevin-checkpoint");
        writer.Write(CheckpointVersion);
        writer.Write(Config.ToJson());
        writer.Write(_step);
        writer.Write(_bestEpoch);
        writer.Write(JsonSerializer.Serialize(_epochs, TrainingConfig.JsonOptions));
        _model.save(writer);
        _optimizer.save_state_dict(writer);
        writer.Write(_sampler is not null);
        _sampler?.Save(writer);
    }

    /// <summary>Restores the state written by <see cref="SaveCheckpoint"/> from the run folder's checkpoint (its checksum checked first).</summary>
    private void LoadCheckpoint() => _run!.LoadCheckpoint(LoadCheckpoint, "{Trainer.runDirectory}");

    /// <summary>Restores the state written by <see cref="SaveCheckpoint"/> from a reader.</summary>
    internal void LoadCheckpoint(BinaryReader reader)
    {
        if (reader.ReadString() != "langevin-checkpoint") throw new FormatException("not a Langevin checkpoint");
        int version = reader.ReadInt32();
        if (version != CheckpointVersion) throw new FormatException($"checkpoint version {version}, this build reads {CheckpointVersion}");
        var saved = TrainingConfig.FromJson(reader.ReadString(), "checkpoint");
        if (saved with { Epochs = Config.Epochs, Threads = Config.Threads } != Config)
            throw new UserErrorException("the checkpoint was written with another configuration than config.json; start a new run");
        _step = reader.ReadInt64();
        _bestEpoch = reader.ReadInt32();
        _epochs.Clear();
        _epochs.AddRange(JsonSerializer.Deserialize<List<EpochMetrics>>(reader.ReadString(), TrainingConfig.JsonOptions)!);
        _model.load(reader);
        _optimizer.load_state_dict(reader);
        bool hasSampler = reader.ReadBoolean();
        if (hasSampler != (_sampler is not null)) throw new FormatException("posterior sampling settings differ from the checkpoint");
        _sampler?.Load(reader);
    }

    private TrainingResult Finish()
    {
        ClassificationMetrics? ensembleValidation = null, ensembleTest = null;
        if (_sampler is { Count: > 0 })
        {
            ensembleValidation = Config.ValidationCount > 0 ? _sampler.Evaluate(_model, _validation) : null;
            ensembleTest = _sampler.Evaluate(_model, _test);
        }
        var result = new TrainingResult(_epochs.ToArray(), _bestEpoch, _epochs[^1], _epochs[_bestEpoch - 1],
            ensembleValidation, ensembleTest, _sampler?.Count ?? 0);
        if (_run is not null) AtomicFile.WriteAllText(_run.File("summary.json"), JsonSerializer.Serialize(result, TrainingConfig.JsonOptions));
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _run?.Dispose();
        _sampler?.Dispose();
        _optimizer.Dispose();
        _model.Dispose();
        _train.Images.Dispose(); // the slices are views; disposing them frees only the view handles
        _train.Labels.Dispose();
        _validation.Images.Dispose();
        _validation.Labels.Dispose();
        _trainSubset.Images.Dispose();
        _trainSubset.Labels.Dispose();
    }
}
