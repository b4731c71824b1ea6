using System.CommandLine;
using Langevin.Data;
using Langevin.Schedules;
using Langevin.Training.Models;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary>The options shared by <c>langevin train</c> and <c>langevin sweep</c>, and their translation into a <see cref="TrainingConfig"/>.</summary>
internal sealed class TrainingOptions
{
    /// <summary>The library's defaults, which every option shows.</summary>
    private static readonly TrainingConfig Defaults = new();

    public Option<DatasetKind> Dataset { get; } = TypedOptions.Parsed("--dataset", "Dataset: fashion-mnist or cifar10.", Defaults.Dataset.CommandLineName(), DatasetKinds.Parse);
    public Option<string?> Data { get; } = CommonOptions.Data();
    public Option<ModelKind> Model { get; } = TypedOptions.Parsed("--model", "Model: cnn (the classic small CNN) or gru (reads the image row by row).", Defaults.Model.CommandLineName(), ModelKinds.Parse);
    public Option<OptimizerKind> Optimizer { get; } = TypedOptions.Parsed("--optimizer", $"Optimizer: {OptimizerKinds.Names}.", Defaults.Optimizer.CommandLineName(), OptimizerKinds.Parse);
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Step size lr on the mean mini-batch cross-entropy.", DefaultValueFactory = _ => Defaults.LearningRate };
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Momentum μ in [0, 1) (sgd, sghmc).", DefaultValueFactory = _ => Defaults.Momentum };
    public Option<string> Schedule { get; } = TypedOptions.Parsed("--diffusion-schedule", $"How D (and, for cyclical, lr) changes over epochs: {DiffusionSchedules.Syntax}.", Defaults.DiffusionSchedule, TypedOptions.Checked(DiffusionSchedules.Parse));
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay λ (a Gaussian prior).", DefaultValueFactory = _ => Defaults.WeightDecay };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Passes over the training split.", DefaultValueFactory = _ => Defaults.Epochs };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => Defaults.BatchSize };
    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of initialisation, shuffling and noise.", DefaultValueFactory = _ => Defaults.Seed };
    public Option<int> Threads { get; } = new("--threads") { Description = "Torch intra-op threads (0: one per core).", DefaultValueFactory = _ => Defaults.Threads };
    public Option<int> Validation { get; } = new("--validation") { Description = "Training images held out (from the end) for validation and model selection.", DefaultValueFactory = _ => Defaults.ValidationCount };
    public Option<int> Samples { get; } = new("--samples") { Description = "Posterior samples K kept for the averaged-softmax ensemble (0: none).", DefaultValueFactory = _ => Defaults.Samples };
    public Option<double> BurnIn { get; } = new("--burn-in") { Description = "Epochs of burn-in before posterior samples are kept.", DefaultValueFactory = _ => Defaults.BurnInEpochs };
    public Option<int> Thin { get; } = new("--thin") { Description = "Steps between posterior samples (0: one per epoch).", DefaultValueFactory = _ => Defaults.ThinSteps };
    public Option<int> TrainLimit { get; } = new("--train-limit") { Description = "Use only the first N training images (0: all); for quick runs.", DefaultValueFactory = _ => Defaults.TrainLimit };
    public Option<int> LogEvery { get; } = new("--log-every") { Description = "Print the running loss every N mini-batches.", DefaultValueFactory = _ => Defaults.LogEvery };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Dataset, Data, Model, Optimizer, LearningRate, Momentum, Schedule, WeightDecay, Epochs, BatchSize, Seed, Threads, Validation, Samples, BurnIn, Thin, TrainLimit, LogEvery })
            command.Add(option);
    }

    public TrainingConfig ToConfig(ParseResult parse, double diffusion) => new()
    {
        Dataset = parse.GetValue(Dataset),
        Model = parse.GetValue(Model),
        Optimizer = parse.GetValue(Optimizer),
        LearningRate = parse.GetValue(LearningRate),
        Momentum = parse.GetValue(Momentum),
        Diffusion = diffusion,
        DiffusionSchedule = parse.GetValue(Schedule)!,
        WeightDecay = parse.GetValue(WeightDecay),
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        Seed = parse.GetValue(Seed),
        ValidationCount = parse.GetValue(Validation),
        Samples = parse.GetValue(Samples),
        BurnInEpochs = parse.GetValue(BurnIn),
        ThinSteps = parse.GetValue(Thin),
        TrainLimit = parse.GetValue(TrainLimit),
        LogEvery = parse.GetValue(LogEvery),
        Threads = parse.GetValue(Threads),
    };

    /// <summary>Sets torch's threads to <see cref="TrainingConfig.Threads"/> and loads both splits of the configured dataset.</summary>
    public (ImageDataset Train, ImageDataset Test) LoadData(ParseResult parse, TrainingConfig config)
    {
        Langevin.Torch.TorchRuntime.SetThreads(config.Threads);
        var location = CommonOptions.Locator(parse.GetValue(Data)).Find(config.Dataset);
        return TrainingData.Load(config.Dataset, location.Folder);
    }
}
