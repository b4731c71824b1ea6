using System.CommandLine;
using Langevin.Data;
using Langevin.Schedules;
using Langevin.Training.Models;
using Langevin.Training;

namespace Langevin.Cli.Commands;

/// <summary>The options shared by <c>langevin train</c> and <c>langevin sweep</c>, and their translation into a <see cref="TrainingConfig"/>.</summary>
internal sealed class TrainingOptions
{
    public Option<string> Dataset { get; } = new("--dataset") { Description = "Dataset: fashion-mnist or cifar10.", DefaultValueFactory = _ => "fashion-mnist" };
    public Option<string?> Data { get; } = CommonOptions.Data();
    public Option<string> Model { get; } = new("--model") { Description = "Model: cnn (the classic small CNN) or gru (reads the image row by row).", DefaultValueFactory = _ => "cnn" };
    public Option<string> Optimizer { get; } = new("--optimizer") { Description = $"Optimizer: {OptimizerKinds.Names}.", DefaultValueFactory = _ => "sgd" };
    public Option<double> LearningRate { get; } = new("--lr") { Description = "Step size lr on the mean mini-batch cross-entropy.", DefaultValueFactory = _ => 0.01 };
    public Option<double> Momentum { get; } = new("--momentum") { Description = "Momentum μ in [0, 1) (sgd, sghmc).", DefaultValueFactory = _ => 0.0 };
    public Option<string> Schedule { get; } = new("--diffusion-schedule") { Description = $"How D (and, for cyclical, lr) changes over epochs: {DiffusionSchedules.Syntax}.", DefaultValueFactory = _ => "constant" };
    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "L2 weight decay λ (a Gaussian prior).", DefaultValueFactory = _ => 0.0 };
    public Option<int> Epochs { get; } = new("--epochs") { Description = "Passes over the training split.", DefaultValueFactory = _ => 10 };
    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Mini-batch size.", DefaultValueFactory = _ => 64 };
    public Option<long> Seed { get; } = new("--seed") { Description = "Seed of initialisation, shuffling and noise.", DefaultValueFactory = _ => 1L };
    public Option<int> Threads { get; } = new("--threads") { Description = "Torch intra-op threads (0: one per core).", DefaultValueFactory = _ => 0 };
    public Option<int> Validation { get; } = new("--validation") { Description = "Training images held out (from the end) for validation and model selection.", DefaultValueFactory = _ => 5000 };
    public Option<int> Samples { get; } = new("--samples") { Description = "Posterior samples K kept for the averaged-softmax ensemble (0: none).", DefaultValueFactory = _ => 0 };
    public Option<double> BurnIn { get; } = new("--burn-in") { Description = "Epochs of burn-in before posterior samples are kept.", DefaultValueFactory = _ => 0.0 };
    public Option<int> Thin { get; } = new("--thin") { Description = "Steps between posterior samples (0: one per epoch).", DefaultValueFactory = _ => 0 };
    public Option<int> TrainLimit { get; } = new("--train-limit") { Description = "Use only the first N training images (0: all); for quick runs.", DefaultValueFactory = _ => 0 };
    public Option<int> LogEvery { get; } = new("--log-every") { Description = "Print the running loss every N mini-batches.", DefaultValueFactory = _ => 200 };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Dataset, Data, Model, Optimizer, LearningRate, Momentum, Schedule, WeightDecay, Epochs, BatchSize, Seed, Threads, Validation, Samples, BurnIn, Thin, TrainLimit, LogEvery })
            command.Add(option);
    }

    public TrainingConfig ToConfig(ParseResult parse, double diffusion) => new()
    {
        Dataset = DatasetKinds.Parse(parse.GetValue(Dataset)!),
        Model = ModelKinds.Parse(parse.GetValue(Model)!),
        Optimizer = OptimizerKinds.Parse(parse.GetValue(Optimizer)!),
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
