using System.CommandLine;
using Langevin.Cli.Terminal;
using Langevin.Data;
using Langevin.Generative.Models;
using Langevin.Generative.Training;
using Langevin.Torch;

namespace Langevin.Cli.Commands;

/// <summary><c>langevin diffusion train|classifier|evaluate</c>: train and evaluate the text-to-image model.</summary>
internal static class DiffusionCommand
{
    public static Command Create()
    {
        var command = new Command("diffusion", "Train and evaluate the latent text-to-image diffusion model.")
        {
            Train(),
            DiffusionEvaluateCommand.Classifier(),
            DiffusionEvaluateCommand.Evaluate(),
        };
        return command;
    }

    private static Command Train()
    {
        var dataset = new Option<string>("--dataset") { Description = "Training data: fashion-mnist (captions from class templates and synonyms).", DefaultValueFactory = _ => "fashion-mnist" };
        var data = CommonOptions.Data();
        var outDir = new Option<string>("--out") { Description = "Run folder: checkpoints, metrics.csv, samples/, model/.", Required = true, HelpName = "DIR" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of the diffusion phase.", DefaultValueFactory = _ => 6 };
        var aeEpochs = new Option<int>("--autoencoder-epochs") { Description = "Epochs of the autoencoder phase.", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { Description = "Batch size.", DefaultValueFactory = _ => 128 };
        var lr = new Option<double>("--lr") { Description = "Peak AdamW learning rate of the UNet and text encoder.", DefaultValueFactory = _ => 1e-3 };
        var width = new Option<int>("--width") { Description = "UNet base width C (7×7 level C, 4×4 level 2C).", DefaultValueFactory = _ => 32 };
        var schedule = new Option<string>("--schedule") { Description = "Noise schedule: linear, scaled-linear or cosine.", DefaultValueFactory = _ => "linear" };
        var dropout = new Option<double>("--caption-dropout") { Description = "Probability of training on the empty caption (for classifier-free guidance).", DefaultValueFactory = _ => 0.1 };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random in training.", DefaultValueFactory = _ => 1 };
        var limit = new Option<int>("--limit") { Description = "Train on the first N images only (0 = all); for quick trials.", DefaultValueFactory = _ => 0 };
        var threads = new Option<int>("--threads") { Description = "Torch intra-op threads (0 = one per core).", DefaultValueFactory = _ => 0 };
        var resume = new Option<bool>("--resume") { Description = "Continue the run in --out from its last checkpoint." };

        var train = new Command("train", "Train the autoencoder, then the text encoder + UNet, into a run folder (resumable).")
        { dataset, data, outDir, epochs, aeEpochs, batch, lr, width, schedule, dropout, seed, limit, threads, resume };
        train.SetAction((parse, cancellationToken) =>
        {
            TorchRuntime.SetThreads(parse.GetValue(threads));
            var kind = DatasetKinds.Parse(parse.GetValue(dataset)!);
            if (kind != DatasetKind.FashionMnist)
                throw new UserErrorException($"--dataset {kind.CommandLineName()} has no captions; use --dataset fashion-mnist");
            var output = parse.InvocationConfiguration.Output;
            var location = CommonOptions.Locator(parse.GetValue(data)).Find(kind);
            using var full = FashionMnist.Load(location.Folder, DatasetSplit.Train);
            int n = parse.GetValue(limit);
            using var subset = n > 0 && n < full.Count ? full.Slice(0, n) : full.Slice(0, full.Count);
            var options = new DiffusionTrainingOptions
            {
                Model = new LatentDiffusionConfig { UNetWidth = parse.GetValue(width), Schedule = parse.GetValue(schedule)! },
                Epochs = parse.GetValue(epochs),
                AutoencoderEpochs = parse.GetValue(aeEpochs),
                BatchSize = parse.GetValue(batch),
                LearningRate = parse.GetValue(lr),
                CaptionDropout = parse.GetValue(dropout),
                Seed = parse.GetValue(seed),
            };
            _ = Langevin.Schedules.NoiseSchedule.Parse(options.Model.Schedule); // fail early on a bad name
            var trainer = new DiffusionTrainer(parse.GetValue(outDir)!, options, CaptionedImages.FromFashionMnist(subset), parse.GetValue(resume));
            output.WriteLine($"training on {subset.Count} images of {location.Folder} ({location.Source}) into {parse.GetValue(outDir)}");

            if (!trainer.AutoencoderDone)
                ConsoleProgress.Run(output, "autoencoder", trainer.StepsPerEpoch * options.AutoencoderEpochs, sink =>
                {
                    trainer.TrainAutoencoder(new Progress(sink), cancellationToken);
                    return 0;
                });
            int remaining = options.Epochs - trainer.DiffusionEpochsDone;
            ConsoleProgress.Run(output, "diffusion", trainer.StepsPerEpoch * Math.Max(remaining, 0), sink =>
            {
                trainer.TrainDiffusion(new Progress(sink), sink.Message, cancellationToken);
                return 0;
            });
            output.WriteLine($"model: {trainer.ModelFolder}  (try: langevin generate \"a photo of an ankle boot\" --model {trainer.ModelFolder})");
            return Task.FromResult(ExitCodes.Success);
        });
        return train;
    }

    /// <summary>Synchronous adapter from the library's progress reports to the console sink.</summary>
    private sealed class Progress(IProgressSink sink) : IProgress<TrainingStep>
    {
        public void Report(TrainingStep value) => sink.Advance(value.Steps, value.Status);
    }
}
